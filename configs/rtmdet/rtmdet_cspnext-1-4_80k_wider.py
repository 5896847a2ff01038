# Teacher: RTMDet with CSPNeXt-1-4 (a quarter of RTMDet-l's width: stages of
# 32-256 channels, neck and head 64) on gray WIDER FACE.
_base_ = [
    '../_base_/models/rtmdet_cspnext_gray.py',
    '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/adamw_80k.py', '../_base_/default_runtime.py'
]

neck_channels = 64
model = dict(
    backbone=dict(widen_factor=0.25),
    neck=dict(in_channels=[64, 128, 256], out_channels=neck_channels),
    bbox_head=dict(in_channels=neck_channels, feat_channels=neck_channels))

# --show-dir draws each detector at its best-F1 threshold (see
# configs/rfcn/rfcn_vgg16_80k_wider.py).
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
