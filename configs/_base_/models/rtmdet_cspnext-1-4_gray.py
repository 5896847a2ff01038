# RTMDet with CSPNeXt-1-4, the one-stage teacher: a quarter of RTMDet-l's
# width (stages of 32-256 channels, neck and head 64).
_base_ = './rtmdet_cspnext_gray.py'

neck_channels = 64
model = dict(
    backbone=dict(widen_factor=0.25),
    neck=dict(in_channels=[64, 128, 256], out_channels=neck_channels),
    bbox_head=dict(in_channels=neck_channels, feat_channels=neck_channels))
