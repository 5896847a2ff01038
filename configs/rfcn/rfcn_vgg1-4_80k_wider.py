# Teacher: R-FCN with VGG-1-4 (every channel / 4; conv5_3 has 128).
_base_ = './rfcn_vgg16_80k_wider.py'

model = dict(
    backbone=dict(width_divisor=4),
    rpn_head=dict(in_channels=128, feat_channels=128),
    roi_head=dict(bbox_head=dict(in_channels=128, feat_channels=256)))
