# `make demo --family one-stage`, the fp teacher: RTMDet CSPNeXt-1-4 (the
# model of configs/rtmdet/rtmdet_cspnext-1-4_80k_wider.py) at demo size,
# trained once.
_base_ = [
    '../_base_/models/rtmdet_cspnext-1-4_gray.py', './_base_/demo_faces.py',
    './_base_/one_stage_teacher.py', './_base_/default_runtime.py'
]
