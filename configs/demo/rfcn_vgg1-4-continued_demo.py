# `make demo`, the fp teacher continued: the fp teacher trained on for as
# many iterations as its quantized finetune, from the same checkpoint with
# the same lr and schedule (configs/rfcn/rfcn_vgg1-4_80k_wider.py). Li et
# al.'s mimic learns from it; it is the fair fp side of "quantized vs fp
# teacher".
_base_ = ['../rfcn/rfcn_vgg1-4_80k_wider.py', './_base_/teacher_continued.py']

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
model = _base_.demo_model
