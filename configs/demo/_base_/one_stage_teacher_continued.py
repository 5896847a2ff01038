# The two continuations of the one-stage demo's fp teacher: its quantized
# finetune (one quantizer per neck level) and the fp teacher trained on for
# as long, from the same checkpoint with the same lr and schedule (see
# teacher_continued.py for why).
_base_ = './demo_faces.py'

continued_lr = 0.016
continued_max_iters = 400

demo = dict(
    # tools/demo.py passes the checkpoint of its own run (work dir, scale)
    load_from='work_dirs/demo_one-stage/rtmdet_cspnext-1-4_demo/'
    'iter_4000.pth',
    optim_wrapper=dict(optimizer=dict(lr=continued_lr)),
    train_cfg=dict(max_iters=continued_max_iters,
                   val_interval=continued_max_iters),
    param_scheduler=[
        _base_.demo_warmup,
        dict(_base_.demo_step, end=continued_max_iters,
             milestones=[continued_max_iters * 3 // 4])
    ])
