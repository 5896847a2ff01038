# Quantization Mimic for a one-stage detector on WIDER FACE: the quantized
# CSPNeXt-1-4 RTMDet teacher teaches CSPNeXt-1-32 through Eq. 6 on all 3
# neck levels (strides 8/16/32) of both, over the ground-truth boxes
# projected onto each level, with the settings of qmimic/rfcn_vgg1-32_wider.py
# (model base: configs/_base_/distill/
# qmimic_rtmdet_cspnext-1-4-quant_cspnext-1-32.py); lambda 10 ramped up over
# the first 5% of the schedule. Eq. 6 verbatim:
# rtmdet_cspnext-1-32_paper-literal_wider.py.
_base_ = [
    '../_base_/distill/qmimic_rtmdet_cspnext-1-4-quant_cspnext-1-32.py',
    '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/adamw_80k.py', '../_base_/default_runtime.py'
]

custom_hooks = [dict(type='DistillLossWarmupHook', warmup_iters=4000)]

default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
