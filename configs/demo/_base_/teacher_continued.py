# Schedule shared by the two continuations of the fp teacher: the quantized
# finetune (Sec. 3.3) and the fp teacher trained on for as long, from the
# same checkpoint with the same lr and schedule, so "quantized vs fp teacher"
# compares models of equal total iterations.
_base_ = './demo_faces.py'

continued_lr = 0.05
continued_max_iters = 400

demo = dict(
    # tools/demo.py passes the checkpoint of its own run (work dir, scale)
    load_from='work_dirs/demo/rfcn_vgg1-4_demo/iter_2000.pth',
    optim_wrapper=dict(optimizer=dict(lr=continued_lr)),
    train_cfg=dict(max_iters=continued_max_iters,
                   val_interval=continued_max_iters),
    param_scheduler=[
        _base_.demo_warmup,
        dict(_base_.demo_step, end=continued_max_iters,
             milestones=[continued_max_iters * 3 // 4])
    ])
