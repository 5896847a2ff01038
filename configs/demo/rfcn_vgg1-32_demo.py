# `make demo`, the tiny student R-FCN VGG-1-32 from scratch (the model of
# configs/rfcn/rfcn_vgg1-32_80k_wider.py) at demo size. Also the config
# that tests the students extracted from the distillation checkpoints
# (tools/model_converters/extract_student.py): the same detector.
_base_ = [
    '../_base_/models/rfcn_vgg1-32.py', './_base_/demo_faces.py',
    './_base_/student.py', './_base_/default_runtime.py',
    './_base_/cpu_speed_overrides.py'
]

model = dict(
    _base_.demo_model,
    **_base_.rfcn_speed_overrides,
    **_base_.tiny_conv_speed_override)
