# Table 2 baseline: VGG-1-32 with group convolutions of similar cost
# (channels ceil(sqrt(3) c), rounded to a multiple of 3; 3 groups).
_base_ = './rfcn_vgg1-32_80k_wider.py'

model = dict(
    backbone=dict(conv_type='group', groups=3),
    rpn_head=dict(in_channels=30, feat_channels=30),
    roi_head=dict(bbox_head=dict(in_channels=30)))
