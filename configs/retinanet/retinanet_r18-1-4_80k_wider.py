# Teacher: RetinaNet with ResNet18-1-4 (every channel of ResNet18 / 4: C2-C5
# of 16-128 channels; FPN and head 64) on gray WIDER FACE.
_base_ = [
    '../_base_/models/retinanet_r18_gray.py',
    '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/sgd_80k.py', '../_base_/default_runtime.py'
]

fpn_channels = 64
model = dict(
    backbone=dict(base_channels=16),
    neck=dict(in_channels=[16, 32, 64, 128], out_channels=fpn_channels),
    bbox_head=dict(in_channels=fpn_channels, feat_channels=fpn_channels))
# RetinaNet trains at mmdet's lr 0.01 (batch 16) with gradient clipping;
# the paper's 0.001 is for R-FCN.
optim_wrapper = dict(
    optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35, norm_type=2))

default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
