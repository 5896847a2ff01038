# Baseline of Li et al. (Eq. 5): RoI mimic of the full-precision VGG-1-4
# teacher, no quantization; otherwise as qmimic/rfcn_vgg1-32_wider.py.
_base_ = [
    '../_base_/distill/mimic_rfcn_vgg1-4_vgg1-32.py',
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py'
]

# lambda ramps up linearly over the first 5% of the schedule
custom_hooks = [dict(type='DistillLossWarmupHook', warmup_iters=4000)]

# --show-dir threshold from the metric, as in rfcn/rfcn_vgg16_80k_wider.py.
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
