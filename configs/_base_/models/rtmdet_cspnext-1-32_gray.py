# RTMDet with CSPNeXt-1-32, the one-stage student: 1/32 of RTMDet-l's width
# (stages of 4-32 channels, neck and head 8), the one-stage counterpart of
# VGG-1-32 R-FCN (tools/analysis_tools/table1.py compares their cost).
_base_ = './rtmdet_cspnext_gray.py'

neck_channels = 8
model = dict(
    backbone=dict(widen_factor=0.03125),
    neck=dict(in_channels=[8, 16, 32], out_channels=neck_channels),
    bbox_head=dict(in_channels=neck_channels, feat_channels=neck_channels))
