# Baseline of Li et al. (Eq. 5) for RetinaNet: mimic of the full-precision
# ResNet18-1-4 teacher's 5 FPN levels over the ground-truth regions, no
# quantization.
_base_ = '../qmimic/retinanet_r18-1-32_wider.py'

model = dict(
    teacher=dict(cfg_path='retinanet/retinanet_r18-1-4_80k_wider.py'),
    teacher_ckpt='work_dirs/retinanet_r18-1-4_80k_wider/iter_80000.pth',
    distiller=dict(distill_losses=dict(loss_mimic=dict(quantizer=None))))
