# Baseline of Li et al. (Eq. 5) for RTMDet: mimic of the full-precision
# CSPNeXt-1-4 teacher's neck levels over the ground-truth regions, no
# quantization; otherwise as qmimic/rtmdet_cspnext-1-32_wider.py.
_base_ = [
    '../_base_/distill/mimic_rtmdet_cspnext-1-4_cspnext-1-32.py',
    '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/adamw_80k.py', '../_base_/default_runtime.py'
]

custom_hooks = [dict(type='DistillLossWarmupHook', warmup_iters=4000)]

default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
