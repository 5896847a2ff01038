# Quantized teacher (Sec. 3.3): the full-precision teacher finetuned with the
# uniform quantizer on its last feature activation, stride calibrated to 40
# levels (see configs/rfcn/rfcn_vgg1-4-quant_20k_wider.py).
_base_ = [
    '../_base_/models/faster-rcnn_r18-dc5.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/sgd_40k.py', '../_base_/default_runtime.py'
]

model = dict(neck=dict(type='UniformQuantizer', levels=40))
load_from = 'work_dirs/faster-rcnn_r18-dc5_40k_voc0712/iter_40000.pth'

# a 10k finetune of the 40k teacher: lr x0.1 at 75%
train_cfg = dict(max_iters=10000, val_interval=5000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=10000,
         milestones=[7500], gamma=0.1)
]
