# Schedule of the demo's fp teacher (stage 1, trained once). The paper's lr
# 0.001 barely moves a from-scratch teacher in a few hundred CPU iterations,
# so the teachers use lr 0.02 (batch 2).
_base_ = './demo_faces.py'

teacher_lr = 0.02
teacher_max_iters = 1200

demo = dict(
    optim_wrapper=dict(optimizer=dict(lr=teacher_lr)),
    train_cfg=dict(max_iters=teacher_max_iters,
                   val_interval=teacher_max_iters),
    param_scheduler=[
        _base_.demo_warmup,
        dict(_base_.demo_step, end=teacher_max_iters,
             milestones=[teacher_max_iters * 3 // 4])
    ])
