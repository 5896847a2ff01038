# `make demo`, stage 2: the quantized teacher (Sec. 3.3), stage 1's model
# finetuned with Q on conv5_3 (configs/rfcn/rfcn_vgg1-4-quant_20k_wider.py)
# at demo size: 400 iterations instead of 20k.
_base_ = ['../rfcn/rfcn_vgg1-4-quant_20k_wider.py', './_base_/demo_faces.py']

train_dataloader = {{_base_.demo_train_dataloader}}
val_dataloader = {{_base_.demo_val_dataloader}}
test_dataloader = {{_base_.demo_val_dataloader}}
val_evaluator = {{_base_.demo_val_evaluator}}
test_evaluator = {{_base_.demo_val_evaluator}}
optim_wrapper = {{_base_.demo_teacher_optim_wrapper}}
default_hooks = {{_base_.demo_default_hooks}}
model = {{_base_.demo_model}}

load_from = 'work_dirs/demo/rfcn_vgg1-4_demo/iter_1200.pth'
train_cfg = dict(max_iters=400, val_interval=400)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=400,
         milestones=[300], gamma=0.1)
]
