# Pascal VOC schedule of the paper (Sec. 3.5): 40k iterations of SGD,
# lr 0.001, momentum 0.9, weight decay 0.0005, lr x0.1 after 30k.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=40000, val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

# fused: PyTorch's one-kernel SGD update (CPU and CUDA) instead of a Python
# loop of per-parameter ops (the demo student's 51 tensors: 0.1 vs 0.5 ms a
# step on the 2-core CPU); the same update up to float rounding.
# fused=False gives the loop (the timing baseline of the speed-up).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='SGD', lr=0.001, momentum=0.9, weight_decay=0.0005, fused=True))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=40000,
         milestones=[30000], gamma=0.1)
]
# The paper trains on 8 GPUs; set --auto-scale-lr to follow another batch.
auto_scale_lr = dict(enable=False, base_batch_size=16)
