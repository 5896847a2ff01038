# `make demo`, the quantized teacher (Sec. 3.3): the fp teacher finetuned
# with Q on conv5_3 (configs/rfcn/rfcn_vgg1-4-quant_20k_wider.py) at demo
# size. Quantization Mimic learns from it.
_base_ = [
    '../rfcn/rfcn_vgg1-4-quant_20k_wider.py', './_base_/teacher_continued.py'
]

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
model = _base_.demo_model
