# Quantization Mimic exactly as Eq. 6 is written (Sec. 3.5): sum over every
# element of every RoI / 2N, uniform quantizer of stride 1 on both maps,
# lambda 1 from the first iteration, teacher finetuned with stride 1. On this
# batch-norm VGG it collapses (README, "What differs from the paper"); kept to
# reproduce that and for features on the paper's Caffe scale.
_base_ = './rfcn_vgg1-32_wider.py'

model = dict(
    teacher=dict(cfg_path='rfcn/rfcn_vgg1-4-quant_paper-literal_20k_wider.py'),
    teacher_ckpt=('work_dirs/rfcn_vgg1-4-quant_paper-literal_20k_wider/'
                  'iter_20000.pth'),
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(
                loss_weight=1.0,
                normalize='rois',
                quantizer=dict(_delete_=True, type='UniformQuantizer',
                               stride=1.0)))))

custom_hooks = []
