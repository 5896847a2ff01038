# Baseline of Li et al. (Eq. 5) for RTMDet: mimic of the full-precision
# CSPNeXt-1-4 teacher's neck levels over the ground-truth regions, no
# quantization.
_base_ = '../qmimic/rtmdet_cspnext-1-32_wider.py'

model = dict(
    teacher=dict(cfg_path='rtmdet/rtmdet_cspnext-1-4_80k_wider.py'),
    teacher_ckpt='work_dirs/rtmdet_cspnext-1-4_80k_wider/iter_80000.pth',
    distiller=dict(distill_losses=dict(loss_mimic=dict(quantizer=None))))
