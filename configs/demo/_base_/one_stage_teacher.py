# Schedule of the one-stage demo's fp teacher (RTMDet CSPNeXt-1-4, trained
# once): RTMDet's AdamW at a demo lr chosen on val, as many iterations as the
# R-FCN teacher's, the demo's warm-up and step (see demo_faces.py).
_base_ = './demo_faces.py'

teacher_lr = 0.004
teacher_max_iters = 2000

demo = dict(
    optim_wrapper=dict(optimizer=dict(lr=teacher_lr)),
    train_cfg=dict(max_iters=teacher_max_iters,
                   val_interval=teacher_max_iters),
    param_scheduler=[
        _base_.demo_warmup,
        dict(_base_.demo_step, end=teacher_max_iters,
             milestones=[teacher_max_iters * 3 // 4])
    ])
