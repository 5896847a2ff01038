# Schedule shared by the two continuations of the demo's fp R-FCN teacher:
# the quantized finetune (Sec. 3.3) and the fp teacher trained on for as
# long, from the same checkpoint (each config's load_from) with the same lr
# and schedule, so "quantized vs fp teacher" compares models of equal total
# iterations. Warm-up and step as in teacher.py.
_base_ = '../../_base_/schedules/sgd_80k.py'

continued_lr = 0.05
continued_max_iters = 400

optim_wrapper = dict(optimizer=dict(lr=continued_lr))
train_cfg = dict(
    max_iters=continued_max_iters, val_interval=continued_max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, gamma=0.1,
         end=continued_max_iters, milestones=[continued_max_iters * 3 // 4])
]
