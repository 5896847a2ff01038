# Schedule of the one-stage demo's fp teacher (RTMDet CSPNeXt-1-4, trained
# once): RTMDet's AdamW (configs/_base_/schedules/adamw_80k.py) at demo
# length, with the demo's warm-up and step (teacher.py). Chosen on val
# (seed 0): in the R-FCN teacher's 2000 iterations, lr 0.004 / 0.008 / 0.016
# gave easy AP 0.023 / 0.029 / 0.023 (it had not learned); lr 0.016 (the
# student's optimum, one_stage_student.py) for 4000 gave 0.462 (medium
# 0.287, hard 0.181), below the students at their 6000; for 12000 (3x, as
# the students) 0.739 (medium 0.709, hard 0.580).
_base_ = '../../_base_/schedules/adamw_80k.py'

teacher_lr = 0.016
teacher_max_iters = 12000

optim_wrapper = dict(optimizer=dict(lr=teacher_lr))
train_cfg = dict(max_iters=teacher_max_iters, val_interval=teacher_max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, gamma=0.1,
         end=teacher_max_iters, milestones=[teacher_max_iters * 3 // 4])
]
