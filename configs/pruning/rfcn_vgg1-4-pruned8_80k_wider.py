# The detector a pruning-ratio-8 run of configs/pruning exports: the R-FCN
# VGG-1-4 teacher with 1/8 of the channels of every layer, i.e. the widths
# of VGG-1-32 R-FCN, as per-layer lists. Tests the exported checkpoints:
#   tools/test.py configs/pruning/rfcn_vgg1-4-pruned8_80k_wider.py \
#       work_dirs/<run>/pruned_iter_80000.pth
# (Each run also writes pruned_iter_<N>_config.py with the widths it found:
# the same as these for the default uniform ratio.)
_base_ = '../rfcn/rfcn_vgg1-4_80k_wider.py'

model = dict(
    backbone=dict(channels=[2, 2, 4, 4, 8, 8, 8, 16, 16, 16, 16, 16, 16]),
    rpn_head=dict(in_channels=16, feat_channels=16),
    roi_head=dict(bbox_head=dict(in_channels=16, feat_channels=32)))
