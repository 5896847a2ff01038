# `make demo`, stage 6: Quantization Mimic (Eq. 6), the quantized teacher of
# stage 2 teaching VGG-1-32 (configs/qmimic/rfcn_vgg1-32_wider.py) at demo
# size: the student schedule of stage 3, the student's proposals shrunk as
# there.
_base_ = ['../qmimic/rfcn_vgg1-32_wider.py', './_base_/demo_faces.py']

train_dataloader = {{_base_.demo_train_dataloader}}
val_dataloader = {{_base_.demo_val_dataloader}}
test_dataloader = {{_base_.demo_val_dataloader}}
val_evaluator = {{_base_.demo_val_evaluator}}
test_evaluator = {{_base_.demo_val_evaluator}}
optim_wrapper = {{_base_.demo_student_optim_wrapper}}
default_hooks = {{_base_.demo_default_hooks}}
model = dict(
    architecture={{_base_.demo_model}},
    teacher_ckpt='work_dirs/demo/rfcn_vgg1-4-quant_demo/iter_400.pth')

train_cfg = dict(max_iters=1600, val_interval=1600)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=1600,
         milestones=[1200], gamma=0.1)
]
