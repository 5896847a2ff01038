# Quantized teacher (Sec. 3.3): the full-precision teacher finetuned with the
# uniform quantizer (stride 1) on its last feature activation.
_base_ = './faster-rcnn_r18-dc5_40k_voc0712.py'

model = dict(neck=dict(type='UniformQuantizer', stride=1.0))
load_from = 'work_dirs/faster-rcnn_r18-dc5_40k_voc0712/iter_40000.pth'

train_cfg = dict(max_iters=10000, val_interval=5000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=10000,
         milestones=[7500], gamma=0.1)
]
