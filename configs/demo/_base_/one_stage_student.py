# The one schedule of every one-stage demo student (scratch, Q-only, mimic,
# Quantization Mimic; RTMDet CSPNeXt-1-32): only the method differs. The lr
# is chosen on val for the scratch student, never on test.
_base_ = './demo_faces.py'

student_lr = 0.004
student_max_iters = 2000

demo = dict(
    optim_wrapper=dict(optimizer=dict(lr=student_lr)),
    train_cfg=dict(max_iters=student_max_iters,
                   val_interval=student_max_iters),
    param_scheduler=[
        _base_.demo_warmup,
        dict(_base_.demo_step, end=student_max_iters,
             milestones=[student_max_iters * 3 // 4])
    ])

# The distilled students' mimic-weight warm-up, 5% of the schedule.
demo_distill_hooks = [
    dict(type='DistillLossWarmupHook', warmup_iters=student_max_iters // 20)
]
