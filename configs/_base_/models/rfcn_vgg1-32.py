# R-FCN VGG-1-32, the paper's very tiny student: every channel of VGG16 / 32
# (conv5_3 has 16), RPN conv 16, R-FCN reduce conv 32.
_base_ = './rfcn_vgg16.py'

model = dict(
    backbone=dict(width_divisor=32),
    rpn_head=dict(in_channels=16, feat_channels=16),
    roi_head=dict(bbox_head=dict(in_channels=16, feat_channels=32)))
