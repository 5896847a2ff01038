# `make demo --family one-stage`, the quantized teacher: the fp teacher
# finetuned with one calibrated quantizer per neck level
# (configs/rtmdet/rtmdet_cspnext-1-4-quant_20k_wider.py) at demo size.
_base_ = [
    '../rtmdet/rtmdet_cspnext-1-4-quant_20k_wider.py',
    './_base_/one_stage_teacher_continued.py'
]

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
