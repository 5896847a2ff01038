# `make demo`, stage 1: the teacher, R-FCN VGG-1-4 in full precision
# (configs/rfcn/rfcn_vgg1-4_80k_wider.py) at demo size: 1200 iterations
# instead of 80k, lr 0.02 (see _base_/demo_faces.py).
_base_ = ['../rfcn/rfcn_vgg1-4_80k_wider.py', './_base_/demo_faces.py']

train_dataloader = {{_base_.demo_train_dataloader}}
val_dataloader = {{_base_.demo_val_dataloader}}
test_dataloader = {{_base_.demo_val_dataloader}}
val_evaluator = {{_base_.demo_val_evaluator}}
test_evaluator = {{_base_.demo_val_evaluator}}
optim_wrapper = {{_base_.demo_teacher_optim_wrapper}}
default_hooks = {{_base_.demo_default_hooks}}
model = {{_base_.demo_model}}

train_cfg = dict(max_iters=1200, val_interval=1200)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=1200,
         milestones=[900], gamma=0.1)
]
