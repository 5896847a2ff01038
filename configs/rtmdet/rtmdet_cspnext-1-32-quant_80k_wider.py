# Table 5 ablation "quantization only" for RTMDet: CSPNeXt-1-32 with a
# calibrated uniform quantizer on each neck output and no mimic.
_base_ = './rtmdet_cspnext-1-32_80k_wider.py'

model = dict(
    neck=dict(
        _delete_=True,
        type='QuantizedNeck',
        num_levels=3,
        neck={{_base_.model.neck}},
        quantizer=dict(type='UniformQuantizer', levels=40)))
