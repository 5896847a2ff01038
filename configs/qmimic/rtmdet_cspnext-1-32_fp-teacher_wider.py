# Table 5 ablation "fp teacher + quantized mimic": Quantization Mimic's loss
# (both maps quantized, strides calibrated on the teacher's levels) with the
# full-precision CSPNeXt-1-4 teacher instead of the quantized finetune.
_base_ = './rtmdet_cspnext-1-32_wider.py'

model = dict(
    teacher=dict(cfg_path='rtmdet/rtmdet_cspnext-1-4_80k_wider.py'),
    teacher_ckpt='work_dirs/rtmdet_cspnext-1-4_80k_wider/iter_80000.pth')
