# Table 2 baseline: VGG-1-32 with depthwise separable convolutions, widened
# (x2.5) to a cost similar to VGG-1-32.
_base_ = './rfcn_vgg1-32_80k_wider.py'

model = dict(
    backbone=dict(conv_type='depthwise'),
    rpn_head=dict(in_channels=40, feat_channels=40),
    roi_head=dict(bbox_head=dict(in_channels=40)))
