# The CPU speed overrides, which the demo's R-FCN detectors (and the R-FCN
# teachers and students of its distillation and pruning configs) opt into;
# the full-scale configs keep mmdet's types, as the overrides were measured
# on a 2-core CPU only. Each computes what the mmdet type it replaces
# computes (same modules and state dict; parity tests under tests/test_models
# compare losses, gradients and detections), only faster on a CPU
# (docs/en/notes/design_decisions.md):
rfcn_speed_overrides = dict(
    # ShallowCopyFasterRCNN for FasterRCNN: training hands the RPN shallow
    # copies of the data samples, not a deep copy of the batch (~1 ms of the
    # demo student's ~33 ms step)
    type='ShallowCopyFasterRCNN',
    # SameDeviceDetDataPreprocessor for DetDataPreprocessor: in training,
    # data samples already on the model's device are not rebuilt (~0.5 ms a
    # step)
    data_preprocessor=dict(type='SameDeviceDetDataPreprocessor'),
    # CappedNMSRPNHead for RPNHead: the proposal NMS stops once max_per_img
    # boxes are kept (R-FCN's test NMS of 6000 boxes for 300 took most of
    # VGG-1-32's post-backbone time)
    rpn_head=dict(type='CappedNMSRPNHead'))

# TinyConv2d for Conv2d in every stage of a 1-16 channel VGG (VGG-1-32): the
# CPU kernel chosen per layer (PyTorch's native im2col or oneDNN
# channels-last); training step and inference about 2x faster on CPU.
tiny_conv_speed_override = dict(
    backbone=dict(tiny_conv_stages=(0, 1, 2, 3, 4)))
