# Quantization Mimic for RetinaNet on Pascal VOC 07+12: the quantized
# ResNet18 teacher teaches ResNet18-1-16 through Eq. 6 on the 5 FPN levels,
# over the ground-truth boxes projected per level, lambda 10 warmed up over
# 5% of the schedule (see qmimic/rtmdet_cspnext-1-32_wider.py).
_base_ = [
    '../_base_/datasets/voc0712.py', '../_base_/schedules/sgd_40k.py',
    '../_base_/default_runtime.py',
    '../_base_/distill/multi_level_quantization_mimic.py'
]

model = dict(
    architecture=dict(cfg_path='retinanet/retinanet_r18-1-16_40k_voc0712.py'),
    teacher=dict(cfg_path='retinanet/retinanet_r18-quant_10k_voc0712.py'),
    teacher_ckpt='work_dirs/retinanet_r18-quant_10k_voc0712/iter_10000.pth',
    distiller=dict(
        connectors=dict(
            adapters=dict(in_channels=16, out_channels=256, num_levels=5)),
        distill_losses=dict(
            loss_mimic=dict(
                num_levels=5,
                loss_weight=10.0,
                normalize='elements',
                quantizer=dict(type='UniformQuantizer', levels=40,
                               signed=True)))))
optim_wrapper = dict(
    optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35, norm_type=2))

custom_hooks = [dict(type='DistillLossWarmupHook', warmup_iters=2000)]
