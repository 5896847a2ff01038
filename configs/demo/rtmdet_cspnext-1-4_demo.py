# `make demo --family one-stage`, the fp teacher: RTMDet CSPNeXt-1-4
# (configs/rtmdet/rtmdet_cspnext-1-4_80k_wider.py) at demo size, trained
# once.
_base_ = [
    '../rtmdet/rtmdet_cspnext-1-4_80k_wider.py',
    './_base_/one_stage_teacher.py'
]

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
