# Student from scratch: RetinaNet with ResNet18-1-32 (C2-C5 of 2-16
# channels; FPN and head 8).
_base_ = './retinanet_r18-1-4_80k_wider.py'

fpn_channels = 8
model = dict(
    backbone=dict(base_channels=2),
    neck=dict(in_channels=[2, 4, 8, 16], out_channels=fpn_channels),
    bbox_head=dict(in_channels=fpn_channels, feat_channels=fpn_channels))
