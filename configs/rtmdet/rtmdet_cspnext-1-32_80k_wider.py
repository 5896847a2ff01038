# Student from scratch: RTMDet with CSPNeXt-1-32 (1/32 of RTMDet-l's width:
# stages of 4-32 channels, neck and head 8), the one-stage counterpart of
# VGG-1-32 R-FCN (tools/analysis_tools/table1.py compares their cost).
_base_ = [
    '../_base_/models/rtmdet_cspnext-1-32_gray.py',
    '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/adamw_80k.py', '../_base_/default_runtime.py'
]

# --show-dir draws each detector at its best-F1 threshold (see
# configs/rfcn/rfcn_vgg16_80k_wider.py).
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
