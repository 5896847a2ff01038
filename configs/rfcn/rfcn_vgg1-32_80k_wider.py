# Student from scratch: R-FCN with VGG-1-32 (every channel / 32; conv5_3
# has 16), the paper's very tiny model.
_base_ = './rfcn_vgg16_80k_wider.py'

model = dict(
    # tiny_conv_stages: every conv is a TinyConv2d, the same function with
    # the CPU kernel chosen for 1-16 channels (training step and inference
    # in PyTorch about 2x faster on CPU; README, "Profiling"). Set it to
    # () for plain Conv2d layers.
    backbone=dict(width_divisor=32, tiny_conv_stages=(0, 1, 2, 3, 4)),
    rpn_head=dict(in_channels=16, feat_channels=16),
    roi_head=dict(bbox_head=dict(in_channels=16, feat_channels=32)))
