# Quantized teacher (Sec. 3.3): RetinaNet ResNet18 finetuned with a
# calibrated signed uniform quantizer on each of its 5 FPN outputs.
_base_ = [
    '../_base_/models/retinanet_r18_voc.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/sgd_40k.py', '../_base_/default_runtime.py'
]

model = dict(
    neck=dict(
        _delete_=True,
        type='QuantizedNeck',
        num_levels=5,
        neck={{_base_.model.neck}},
        quantizer=dict(type='UniformQuantizer', levels=40, signed=True)))
load_from = 'work_dirs/retinanet_r18_40k_voc0712/iter_40000.pth'

optim_wrapper = dict(
    optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35, norm_type=2))
# a 10k finetune of the 40k teacher: lr x0.1 at 75%
train_cfg = dict(max_iters=10000, val_interval=5000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=10000,
         milestones=[7500], gamma=0.1)
]
