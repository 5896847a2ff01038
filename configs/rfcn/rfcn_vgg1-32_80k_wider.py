# Student from scratch: R-FCN with VGG-1-32 (every channel / 32; conv5_3
# has 16), the paper's very tiny model.
_base_ = './rfcn_vgg16_80k_wider.py'

model = dict(
    backbone=dict(width_divisor=32),
    rpn_head=dict(in_channels=16, feat_channels=16),
    roi_head=dict(bbox_head=dict(in_channels=16, feat_channels=32)))
