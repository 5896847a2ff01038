# Li et al.'s mimic (Eq. 5) on R-FCN: the Quantization Mimic wiring of
# qmimic_rfcn_vgg1-4-quant_vgg1-32.py with the full-precision VGG-1-4
# teacher and no quantization.
_base_ = './qmimic_rfcn_vgg1-4-quant_vgg1-32.py'

model = dict(
    teacher=dict(cfg_path='rfcn/rfcn_vgg1-4_80k_wider.py'),
    teacher_ckpt='work_dirs/rfcn_vgg1-4_80k_wider/iter_80000.pth',
    distiller=dict(distill_losses=dict(loss_mimic=dict(quantizer=None))))
