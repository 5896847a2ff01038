# `make demo`, the fp teacher: R-FCN VGG-1-4 in full precision (the model of
# configs/rfcn/rfcn_vgg1-4_80k_wider.py) at demo size, trained once.
_base_ = [
    '../_base_/models/rfcn_vgg1-4.py', './_base_/demo_faces.py',
    './_base_/teacher.py', './_base_/default_runtime.py',
    './_base_/cpu_speed_overrides.py'
]

model = dict(_base_.demo_model, **_base_.rfcn_speed_overrides)
