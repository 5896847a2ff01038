# `make demo`, the Table 5 ablation "quantization only": VGG-1-32 with Q on
# conv5_3 and no mimic (configs/rfcn/rfcn_vgg1-32-quant_80k_wider.py) at
# demo size.
_base_ = [
    '../_base_/models/rfcn_vgg1-32.py', './_base_/demo_faces.py',
    './_base_/student.py', './_base_/default_runtime.py',
    './_base_/cpu_speed_overrides.py'
]

model = dict(
    _base_.demo_model,
    neck=dict(type='UniformQuantizer', levels=40),
    **_base_.rfcn_speed_overrides,
    **_base_.tiny_conv_speed_override)
