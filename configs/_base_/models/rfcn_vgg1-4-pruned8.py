# The detector a pruning-ratio-8 run of configs/pruning exports: the R-FCN
# VGG-1-4 teacher with 1/8 of the channels of every layer, i.e. the widths
# of VGG-1-32 R-FCN, as per-layer lists.
_base_ = './rfcn_vgg1-4.py'

model = dict(
    backbone=dict(channels=[2, 2, 4, 4, 8, 8, 8, 16, 16, 16, 16, 16, 16]),
    rpn_head=dict(in_channels=16, feat_channels=16),
    roi_head=dict(bbox_head=dict(in_channels=16, feat_channels=32)))
