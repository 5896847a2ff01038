# Quantized teacher (Sec. 3.3) for a multi-level detector: the CSPNeXt-1-4
# teacher finetuned with one uniform quantizer on each of the 3 neck outputs
# the mimic reads, each stride calibrated to 40 levels over the 99.9th
# percentile of its level (the neck ends in SiLU, so the paper's dictionary
# {0, s, 2s, ...} applies).
_base_ = './rtmdet_cspnext-1-4_80k_wider.py'

model = dict(
    neck=dict(
        _delete_=True,
        type='QuantizedNeck',
        num_levels=3,
        neck={{_base_.model.neck}},
        quantizer=dict(type='UniformQuantizer', levels=40)))
load_from = 'work_dirs/rtmdet_cspnext-1-4_80k_wider/iter_80000.pth'

train_cfg = dict(max_iters=20000, val_interval=10000)
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0.0002, by_epoch=False, begin=0,
         end=20000)
]
