# One-stage WIDER FACE schedule: RTMDet's optimiser (AdamW, lr 0.004 for a
# batch of 32, weight decay 0.05, none on norms and biases) over the paper's
# 80k iterations, with a 1000-iteration linear warm-up and a cosine decay.
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=80000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.004, weight_decay=0.05),
    paramwise_cfg=dict(
        norm_decay_mult=0, bias_decay_mult=0, bypass_duplicate=True))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=1000),
    dict(type='CosineAnnealingLR', eta_min=0.0002, by_epoch=False,
         begin=1000, end=80000)
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
