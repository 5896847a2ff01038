# The two continuations of the one-stage demo's fp teacher: its quantized
# finetune (one quantizer per neck level) and the fp teacher trained on for
# as long, from the same checkpoint (each config's load_from) with the same
# lr and schedule (see teacher_continued.py for why).
_base_ = '../../_base_/schedules/adamw_80k.py'

continued_lr = 0.016
continued_max_iters = 400

optim_wrapper = dict(optimizer=dict(lr=continued_lr))
train_cfg = dict(
    max_iters=continued_max_iters, val_interval=continued_max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, gamma=0.1,
         end=continued_max_iters, milestones=[continued_max_iters * 3 // 4])
]
