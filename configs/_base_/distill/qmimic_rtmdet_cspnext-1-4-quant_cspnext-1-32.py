# Quantization Mimic on RTMDet: the quantized CSPNeXt-1-4 teacher teaches
# CSPNeXt-1-32 through Eq. 6 on all 3 neck levels (strides 8/16/32) of both,
# over the ground-truth boxes projected onto each level. As for R-FCN
# (qmimic_rfcn_vgg1-4-quant_vgg1-32.py): the scale-free mean over the region
# elements of all levels / 2, strides calibrated to 40 levels (the teacher's
# own per-level scales, copied from its checkpoint), lambda 10.
_base_ = './multi_level_quantization_mimic.py'

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
