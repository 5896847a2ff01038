# `make demo --family one-stage`, quantization only (Table 5): CSPNeXt-1-32
# with a quantizer on each neck level and no mimic
# (configs/rtmdet/rtmdet_cspnext-1-32-quant_80k_wider.py), at demo size.
_base_ = [
    '../_base_/models/rtmdet_cspnext-1-32_gray.py', './_base_/demo_faces.py',
    './_base_/one_stage_student.py', './_base_/default_runtime.py'
]

model = dict(
    neck=dict(
        _delete_=True,
        type='QuantizedNeck',
        num_levels=3,
        neck={{_base_.model.neck}},
        quantizer=dict(type='UniformQuantizer', levels=40)))
