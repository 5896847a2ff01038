# `make demo --family one-stage`, the quantized teacher: the fp teacher
# finetuned with one calibrated quantizer per neck level
# (configs/rtmdet/rtmdet_cspnext-1-4-quant_20k_wider.py) at demo size.
_base_ = [
    '../_base_/models/rtmdet_cspnext-1-4_gray.py', './_base_/demo_faces.py',
    './_base_/one_stage_teacher_continued.py', './_base_/default_runtime.py'
]

model = dict(
    neck=dict(
        _delete_=True,
        type='QuantizedNeck',
        num_levels=3,
        neck={{_base_.model.neck}},
        quantizer=dict(type='UniformQuantizer', levels=40)))
# tools/demo.py passes the checkpoint of its own run (work dir, scale)
load_from = 'work_dirs/demo_one-stage/rtmdet_cspnext-1-4_demo/iter_12000.pth'
