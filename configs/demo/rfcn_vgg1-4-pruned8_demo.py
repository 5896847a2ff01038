# `make demo` (--pruning): tests the pruned detectors the two pruning stages
# export (configs/pruning/rfcn_vgg1-4-pruned8_80k_wider.py at demo size).
_base_ = ['../pruning/rfcn_vgg1-4-pruned8_80k_wider.py', './_base_/student.py']

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
model = _base_.demo_model
