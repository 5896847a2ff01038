# `make demo`, stage 4: the Table 5 ablation "quantization only", VGG-1-32
# with Q on conv5_3 and no mimic (configs/rfcn/rfcn_vgg1-32-quant_80k_wider.py)
# at demo size: the student schedule of stage 3.
_base_ = ['../rfcn/rfcn_vgg1-32-quant_80k_wider.py', './_base_/demo_faces.py']

train_dataloader = {{_base_.demo_train_dataloader}}
val_dataloader = {{_base_.demo_val_dataloader}}
test_dataloader = {{_base_.demo_val_dataloader}}
val_evaluator = {{_base_.demo_val_evaluator}}
test_evaluator = {{_base_.demo_val_evaluator}}
optim_wrapper = {{_base_.demo_student_optim_wrapper}}
default_hooks = {{_base_.demo_default_hooks}}
model = {{_base_.demo_model}}

train_cfg = dict(max_iters=1600, val_interval=1600)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=1600,
         milestones=[1200], gamma=0.1)
]
