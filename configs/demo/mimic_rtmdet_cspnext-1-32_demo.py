# `make demo --family one-stage`, Li et al.'s mimic (Eq. 5) of the fp
# teacher continued, on every neck level over the ground-truth regions (the
# model of configs/mimic/rtmdet_cspnext-1-32_wider.py), at demo size.
_base_ = [
    '../_base_/distill/mimic_rtmdet_cspnext-1-4_cspnext-1-32.py',
    './_base_/demo_faces.py', './_base_/one_stage_student.py',
    './_base_/default_runtime.py'
]

# tools/demo.py passes the checkpoint of its own run (seed, scale)
model = dict(teacher_ckpt='work_dirs/demo_one-stage/seed0/'
             'rtmdet_cspnext-1-4-continued_demo/iter_400.pth')
custom_hooks = _base_.demo_distill_hooks
