# R-FCN VGG-1-4, the paper's teacher: every channel of VGG16 / 4 (conv5_3
# has 128), RPN conv 128, R-FCN reduce conv 256.
_base_ = './rfcn_vgg16.py'

model = dict(
    backbone=dict(width_divisor=4),
    rpn_head=dict(in_channels=128, feat_channels=128),
    roi_head=dict(bbox_head=dict(in_channels=128, feat_channels=256)))
