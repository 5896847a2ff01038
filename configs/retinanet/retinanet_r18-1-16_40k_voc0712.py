# Student from scratch: RetinaNet ResNet18-1-16 (every channel / 16: C2-C5 of
# 4-32 channels, FPN and head 16) on VOC 07+12.
_base_ = [
    '../_base_/models/retinanet_r18_voc.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/sgd_40k.py', '../_base_/default_runtime.py'
]

fpn_channels = 16
model = dict(
    backbone=dict(base_channels=4),
    neck=dict(in_channels=[4, 8, 16, 32], out_channels=fpn_channels),
    bbox_head=dict(in_channels=fpn_channels, feat_channels=fpn_channels))
optim_wrapper = dict(
    optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35, norm_type=2))
