# `make demo` (--pruning): tests the pruned detectors the two pruning stages
# export (the model of configs/pruning/rfcn_vgg1-4-pruned8_80k_wider.py) at
# demo size.
_base_ = [
    '../_base_/models/rfcn_vgg1-4-pruned8.py', './_base_/demo_faces.py',
    './_base_/student.py', './_base_/default_runtime.py',
    './_base_/cpu_speed_overrides.py'
]

model = dict(_base_.demo_model, **_base_.rfcn_speed_overrides)
