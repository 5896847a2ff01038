# Quantization Mimic on WIDER FACE (paper Sec. 4.1): the quantized VGG-1-4
# R-FCN teacher teaches VGG-1-32 through Eq. 6 on conv5_3 of both, over the
# 2000 RPN proposals i (which OHEM scores), gray input, 80k iterations.
# Where it departs from the paper's literal settings, and why: the model
# base, configs/_base_/distill/qmimic_rfcn_vgg1-4-quant_vgg1-32.py (the
# verbatim Eq. 6: rfcn_vgg1-32_paper-literal_wider.py).
_base_ = [
    '../_base_/distill/qmimic_rfcn_vgg1-4-quant_vgg1-32.py',
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
