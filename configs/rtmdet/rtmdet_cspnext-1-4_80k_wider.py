# Teacher: RTMDet with CSPNeXt-1-4 (a quarter of RTMDet-l's width: stages of
# 32-256 channels, neck and head 64) on gray WIDER FACE.
_base_ = [
    '../_base_/models/rtmdet_cspnext-1-4_gray.py',
    '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/adamw_80k.py', '../_base_/default_runtime.py'
]

# --show-dir draws each detector at its best-F1 threshold (see
# configs/rfcn/rfcn_vgg16_80k_wider.py).
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
