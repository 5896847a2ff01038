# Table 4 ablation: quantized mimic loss, but the full-precision VGG-1-4
# teacher (no quantized finetune).
_base_ = './rfcn_vgg1-32_wider.py'

model = dict(
    teacher=dict(cfg_path='rfcn/rfcn_vgg1-4_80k_wider.py'),
    teacher_ckpt='work_dirs/rfcn_vgg1-4_80k_wider/iter_80000.pth')
