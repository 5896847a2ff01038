# Li et al.'s mimic (Eq. 5) on RTMDet: the wiring of
# qmimic_rtmdet_cspnext-1-4-quant_cspnext-1-32.py with the full-precision
# CSPNeXt-1-4 teacher and no quantization.
_base_ = './qmimic_rtmdet_cspnext-1-4-quant_cspnext-1-32.py'

model = dict(
    teacher=dict(cfg_path='rtmdet/rtmdet_cspnext-1-4_80k_wider.py'),
    teacher_ckpt='work_dirs/rtmdet_cspnext-1-4_80k_wider/iter_80000.pth',
    distiller=dict(distill_losses=dict(loss_mimic=dict(quantizer=None))))
