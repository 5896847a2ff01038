# `make demo --family one-stage`, quantization only (Table 5): CSPNeXt-1-32
# with a quantizer on each neck level and no mimic, at demo size.
_base_ = [
    '../rtmdet/rtmdet_cspnext-1-32-quant_80k_wider.py',
    './_base_/one_stage_student.py'
]

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
