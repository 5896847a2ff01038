# Table 5 ablation "quantization only" for RetinaNet: ResNet18-1-32 with a
# calibrated signed quantizer on each FPN output and no mimic.
_base_ = './retinanet_r18-1-32_80k_wider.py'

model = dict(
    neck=dict(
        _delete_=True,
        type='QuantizedNeck',
        num_levels=5,
        neck={{_base_.model.neck}},
        quantizer=dict(type='UniformQuantizer', levels=40, signed=True)))
