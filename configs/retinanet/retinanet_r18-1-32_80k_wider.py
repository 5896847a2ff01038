# Student from scratch: RetinaNet with ResNet18-1-32 (C2-C5 of 2-16
# channels; FPN and head 8).
_base_ = [
    '../_base_/models/retinanet_r18_gray.py',
    '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/sgd_80k.py', '../_base_/default_runtime.py'
]

fpn_channels = 8
model = dict(
    backbone=dict(base_channels=2),
    neck=dict(in_channels=[2, 4, 8, 16], out_channels=fpn_channels),
    bbox_head=dict(in_channels=fpn_channels, feat_channels=fpn_channels))
# mmdet's RetinaNet lr and gradient clipping, as for the teacher
# (retinanet_r18-1-4_80k_wider.py).
optim_wrapper = dict(
    optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35, norm_type=2))

default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
