# Baseline of Li et al. (Eq. 5): RoI mimic of the full-precision VGG-1-4
# teacher, no quantization.
_base_ = '../qmimic/rfcn_vgg1-32_wider.py'

model = dict(
    teacher=dict(cfg_path='rfcn/rfcn_vgg1-4_80k_wider.py'),
    teacher_ckpt='work_dirs/rfcn_vgg1-4_80k_wider/iter_80000.pth',
    distiller=dict(distill_losses=dict(loss_mimic=dict(quantizer=None))))
