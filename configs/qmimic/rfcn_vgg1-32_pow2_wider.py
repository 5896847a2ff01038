# Table 6 ablation: power-of-two quantization for the teacher's finetune
# and the mimic loss, instead of uniform.
_base_ = './rfcn_vgg1-32_wider.py'

model = dict(
    teacher=dict(cfg_path='rfcn/rfcn_vgg1-4-pow2quant_20k_wider.py'),
    teacher_ckpt='work_dirs/rfcn_vgg1-4-pow2quant_20k_wider/iter_20000.pth',
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(quantizer=dict(_delete_=True,
                                           type='PowerOfTwoQuantizer', levels=8)))))
