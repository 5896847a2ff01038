# The one schedule of every one-stage demo student (scratch, Q-only, mimic,
# Quantization Mimic; RTMDet CSPNeXt-1-32): only the method differs. RTMDet's
# AdamW at demo length, warm-up and step as in teacher.py. The lr is chosen
# on val for the scratch student, never on test: AdamW lr 0.004 / 0.008 /
# 0.016 / 0.03 for 2000 iterations gave easy AP 0.014 / 0.195 / 0.404 /
# 0.029 on val (seed 0; 0.03 diverged). The length is chosen on val too:
# at 2000 iterations five of eight scratch students had not left the
# initial plateau (test easy AP below 0.1); 6000 iterations (3x) gave val
# easy AP 0.578 / 0.674 / 0.568 / 0.023 on seeds 0-3, against 0.404 /
# 0.120 / 0.216 / 0.018 at 2000 (seed 3 stays on the plateau at both).
_base_ = '../../_base_/schedules/adamw_80k.py'

student_lr = 0.016
student_max_iters = 6000

optim_wrapper = dict(optimizer=dict(lr=student_lr))
train_cfg = dict(max_iters=student_max_iters, val_interval=student_max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, gamma=0.1,
         end=student_max_iters, milestones=[student_max_iters * 3 // 4])
]

# The distilled students' mimic-weight warm-up, 5% of the schedule.
demo_distill_hooks = [
    dict(type='DistillLossWarmupHook', warmup_iters=student_max_iters // 20)
]
