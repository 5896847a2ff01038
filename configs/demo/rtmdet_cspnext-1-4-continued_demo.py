# `make demo --family one-stage`, the fp teacher continued for as long as
# its quantized finetune (the mimic baseline's teacher).
_base_ = [
    '../rtmdet/rtmdet_cspnext-1-4_80k_wider.py',
    './_base_/one_stage_teacher_continued.py'
]

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
