# `make demo --family one-stage`, the student from scratch: RTMDet
# CSPNeXt-1-32 (the model of configs/rtmdet/rtmdet_cspnext-1-32_80k_wider.py)
# at demo size. It also tests every distilled one-stage student after
# extraction.
_base_ = [
    '../_base_/models/rtmdet_cspnext-1-32_gray.py', './_base_/demo_faces.py',
    './_base_/one_stage_student.py', './_base_/default_runtime.py'
]
