# The one schedule of every demo R-FCN student (scratch, Q-only, Li et al.'s
# mimic, Quantization Mimic): only the method differs between them. Warm-up
# and step as in teacher.py. lr and length are chosen on val for the scratch
# student (tools/demo.py's val table), never on test: lr 0.02 / 0.05 / 0.1 /
# 0.2 for 2000 iterations gave easy AP 0.16 / 0.70 / 0.76 / 0.51 on val
# (seed 0) on the first data generator; on the current (blended) data lr 0.1
# against 0.05 gave 0.577 / 0.488 against 0.483 / 0.094 (seeds 0 / 1).
_base_ = '../../_base_/schedules/sgd_80k.py'

student_lr = 0.1
student_max_iters = 2000

optim_wrapper = dict(optimizer=dict(lr=student_lr))
train_cfg = dict(max_iters=student_max_iters, val_interval=student_max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, gamma=0.1,
         end=student_max_iters, milestones=[student_max_iters * 3 // 4])
]

# The distilled students' mimic-weight warm-up, 5% of the schedule as in
# the real configs (their custom_hooks).
demo_distill_hooks = [
    dict(type='DistillLossWarmupHook', warmup_iters=student_max_iters // 20)
]

# The distilled students reuse the frozen teacher's features of an input
# seen before (QuantizationMimicDistill's teacher_feature_cache, exact): a
# step served from the cache took 0.35x the time of one running the teacher
# (demo QM student, 1 CPU thread), and about 4 in 10 steps of the 10 epochs
# are (the whole batch's (image, flip, padding) seen): ~0.73x over the
# schedule (docs/en/user_guides/demo.md). 256 MB hold every distinct input
# of the 400 training images at the demo size (~105 MB).
demo_teacher_feature_cache = dict(max_mb=256)
