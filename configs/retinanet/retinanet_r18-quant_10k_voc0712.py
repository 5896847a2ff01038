# Quantized teacher (Sec. 3.3): RetinaNet ResNet18 finetuned with a
# calibrated signed uniform quantizer on each of its 5 FPN outputs.
_base_ = './retinanet_r18_40k_voc0712.py'

model = dict(
    neck=dict(
        _delete_=True,
        type='QuantizedNeck',
        num_levels=5,
        neck={{_base_.model.neck}},
        quantizer=dict(type='UniformQuantizer', levels=40, signed=True)))
load_from = 'work_dirs/retinanet_r18_40k_voc0712/iter_40000.pth'

train_cfg = dict(max_iters=10000, val_interval=5000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=10000,
         milestones=[7500], gamma=0.1)
]
