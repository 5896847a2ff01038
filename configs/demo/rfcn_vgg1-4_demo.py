# `make demo`, the fp teacher: R-FCN VGG-1-4 in full precision
# (configs/rfcn/rfcn_vgg1-4_80k_wider.py) at demo size, trained once.
_base_ = ['../rfcn/rfcn_vgg1-4_80k_wider.py', './_base_/teacher.py']

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
model = _base_.demo_model
