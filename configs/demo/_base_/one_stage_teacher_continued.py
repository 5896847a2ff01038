# The two continuations of the one-stage demo's fp teacher: its quantized
# finetune (one quantizer per neck level) and the fp teacher trained on for
# as long, from the same checkpoint (each config's load_from) with the same
# lr and schedule (see teacher_continued.py for why). They go on at the lr
# the base teacher ended at (one_stage_teacher.py: 0.016 x 0.1): a restart
# of AdamW at the base lr undoes the base's last step. Chosen on val (seeds
# 0 and 1, the 4000-iteration base teacher at easy AP 0.462): lr 0.016 /
# 0.004 / 0.0016 gave easy AP 0.296, 0.339 / 0.427, 0.512 / 0.492, 0.551
# continued fp and 0.255, 0.438 / 0.384, 0.492 / 0.486, 0.511 quantized.
_base_ = '../../_base_/schedules/adamw_80k.py'

continued_lr = 0.0016
continued_max_iters = 400

optim_wrapper = dict(optimizer=dict(lr=continued_lr))
train_cfg = dict(
    max_iters=continued_max_iters, val_interval=continued_max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, gamma=0.1,
         end=continued_max_iters, milestones=[continued_max_iters * 3 // 4])
]
