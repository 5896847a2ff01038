# WIDER FACE schedule of the paper (Sec. 3.5): lr 0.001 for 50k iterations,
# then 0.0001 for 30k; SGD, momentum 0.9, weight decay 0.0005.
_base_ = './sgd_40k.py'

train_cfg = dict(max_iters=80000, val_interval=10000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=80000,
         milestones=[50000], gamma=0.1)
]
