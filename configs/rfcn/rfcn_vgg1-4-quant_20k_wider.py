# Quantized teacher (Sec. 3.3): VGG-1-4 R-FCN finetuned with the uniform
# quantizer (stride 1) on conv5_3's activation.
_base_ = './rfcn_vgg1-4_80k_wider.py'

model = dict(neck=dict(type='UniformQuantizer', stride=1.0))
load_from = 'work_dirs/rfcn_vgg1-4_80k_wider/iter_80000.pth'

train_cfg = dict(max_iters=20000, val_interval=10000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=20000,
         milestones=[15000], gamma=0.1)
]
