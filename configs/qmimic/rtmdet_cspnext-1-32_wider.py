# Quantization Mimic for a one-stage detector on WIDER FACE: the quantized
# CSPNeXt-1-4 RTMDet teacher teaches CSPNeXt-1-32 through Eq. 6 on all 3
# neck levels (strides 8/16/32) of both, over the ground-truth boxes
# projected onto each level. As for R-FCN (qmimic/rfcn_vgg1-32_wider.py):
# the scale-free mean over the region elements of all levels / 2, strides
# calibrated to 40 levels (the teacher's own per-level scales, copied from
# its checkpoint), lambda 10 ramped up over the first 5% of the schedule.
# Eq. 6 verbatim: rtmdet_cspnext-1-32_paper-literal_wider.py.
_base_ = [
    '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/adamw_80k.py', '../_base_/default_runtime.py',
    '../_base_/distill/multi_level_quantization_mimic.py'
]

model = dict(
    architecture=dict(cfg_path='rtmdet/rtmdet_cspnext-1-32_80k_wider.py'),
    teacher=dict(cfg_path='rtmdet/rtmdet_cspnext-1-4-quant_20k_wider.py'),
    teacher_ckpt='work_dirs/rtmdet_cspnext-1-4-quant_20k_wider/iter_20000.pth',
    distiller=dict(
        connectors=dict(
            adapters=dict(in_channels=8, out_channels=64, num_levels=3)),
        distill_losses=dict(
            loss_mimic=dict(
                num_levels=3,
                loss_weight=10.0,
                normalize='elements',
                quantizer=dict(type='UniformQuantizer', levels=40)))))

custom_hooks = [dict(type='DistillLossWarmupHook', warmup_iters=4000)]

default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
