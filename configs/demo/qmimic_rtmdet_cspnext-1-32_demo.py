# `make demo --family one-stage`, Quantization Mimic (Eq. 6 on every neck
# level): the quantized teacher teaching CSPNeXt-1-32 (the model of
# configs/qmimic/rtmdet_cspnext-1-32_wider.py) at demo size.
_base_ = [
    '../_base_/distill/qmimic_rtmdet_cspnext-1-4-quant_cspnext-1-32.py',
    './_base_/demo_faces.py', './_base_/one_stage_student.py',
    './_base_/default_runtime.py'
]

# tools/demo.py passes the checkpoint of its own run (seed, scale)
model = dict(teacher_ckpt='work_dirs/demo_one-stage/seed0/'
             'rtmdet_cspnext-1-4-quant_demo/iter_400.pth')
custom_hooks = _base_.demo_distill_hooks
