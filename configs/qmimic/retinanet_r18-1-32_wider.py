# Quantization Mimic for RetinaNet on WIDER FACE: the quantized ResNet18-1-4
# teacher teaches ResNet18-1-32 through Eq. 6 on the 5 FPN levels of both,
# over the ground-truth boxes projected per level; signed quantizers (the
# FPN outputs are linear), calibrated per level; the settings of
# qmimic/rtmdet_cspnext-1-32_wider.py otherwise.
_base_ = [
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py',
    '../_base_/distill/multi_level_quantization_mimic.py'
]

model = dict(
    architecture=dict(cfg_path='retinanet/retinanet_r18-1-32_80k_wider.py'),
    teacher=dict(cfg_path='retinanet/retinanet_r18-1-4-quant_20k_wider.py'),
    teacher_ckpt='work_dirs/retinanet_r18-1-4-quant_20k_wider/iter_20000.pth',
    distiller=dict(
        connectors=dict(
            adapters=dict(in_channels=8, out_channels=64, num_levels=5)),
        distill_losses=dict(
            loss_mimic=dict(
                num_levels=5,
                loss_weight=10.0,
                normalize='elements',
                quantizer=dict(type='UniformQuantizer', levels=40,
                               signed=True)))))
optim_wrapper = dict(
    optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35, norm_type=2))

custom_hooks = [dict(type='DistillLossWarmupHook', warmup_iters=4000)]
