# `make demo`, stage 3: the tiny student R-FCN VGG-1-32 trained from scratch
# (configs/rfcn/rfcn_vgg1-32_80k_wider.py) at demo size: 1600 iterations
# instead of 80k. Also the config that evaluates the students extracted
# from the distillation checkpoints (tools/model_converters/
# extract_student.py): the same detector.
_base_ = ['../rfcn/rfcn_vgg1-32_80k_wider.py', './_base_/demo_faces.py']

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
