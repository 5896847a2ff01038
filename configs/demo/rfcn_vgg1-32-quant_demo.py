# `make demo`, the Table 5 ablation "quantization only": VGG-1-32 with Q on
# conv5_3 and no mimic (configs/rfcn/rfcn_vgg1-32-quant_80k_wider.py) at
# demo size.
_base_ = ['../rfcn/rfcn_vgg1-32-quant_80k_wider.py', './_base_/student.py']

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
model = _base_.demo_model
