# `make demo`, the tiny student R-FCN VGG-1-32 from scratch
# (configs/rfcn/rfcn_vgg1-32_80k_wider.py) at demo size. Also the config
# that tests the students extracted from the distillation checkpoints
# (tools/model_converters/extract_student.py): the same detector.
_base_ = ['../rfcn/rfcn_vgg1-32_80k_wider.py', './_base_/student.py']

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
model = _base_.demo_model
