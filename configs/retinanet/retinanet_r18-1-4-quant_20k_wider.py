# Quantized teacher (Sec. 3.3): the ResNet18-1-4 RetinaNet finetuned with one
# calibrated uniform quantizer on each of its 5 FPN outputs. FPN outputs are
# linear (no ReLU), so the dictionary is signed, {..., -s, 0, s, ...}: the
# paper's {0, s, ...} would zero their negative half.
_base_ = './retinanet_r18-1-4_80k_wider.py'

model = dict(
    neck=dict(
        _delete_=True,
        type='QuantizedNeck',
        num_levels=5,
        neck={{_base_.model.neck}},
        quantizer=dict(type='UniformQuantizer', levels=40, signed=True)))
load_from = 'work_dirs/retinanet_r18-1-4_80k_wider/iter_80000.pth'

train_cfg = dict(max_iters=20000, val_interval=10000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=20000,
         milestones=[15000], gamma=0.1)
]
