# `make demo --family one-stage`, the student from scratch: RTMDet
# CSPNeXt-1-32 (configs/rtmdet/rtmdet_cspnext-1-32_80k_wider.py) at demo
# size. It also tests every distilled one-stage student after extraction.
_base_ = [
    '../rtmdet/rtmdet_cspnext-1-32_80k_wider.py',
    './_base_/one_stage_student.py'
]

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
