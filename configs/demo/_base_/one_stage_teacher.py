# Schedule of the one-stage demo's fp teacher (RTMDet CSPNeXt-1-4, trained
# once): RTMDet's AdamW, as many iterations as the R-FCN teacher's, the
# demo's warm-up and step (see demo_faces.py). lr: the student's val optimum
# (one_stage_student.py); at RTMDet's own 0.004 the teacher reached only
# easy AP 0.023 on val (seed 0).
_base_ = './demo_faces.py'

teacher_lr = 0.016
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
