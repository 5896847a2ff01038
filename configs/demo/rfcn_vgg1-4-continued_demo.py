# `make demo`, the fp teacher continued: the fp teacher trained on for as
# many iterations as its quantized finetune, from the same checkpoint with
# the same lr and schedule (configs/rfcn/rfcn_vgg1-4_80k_wider.py). Li et
# al.'s mimic learns from it; it is the fair fp side of "quantized vs fp
# teacher".
_base_ = [
    '../_base_/models/rfcn_vgg1-4.py', './_base_/demo_faces.py',
    './_base_/teacher_continued.py', './_base_/default_runtime.py',
    './_base_/cpu_speed_overrides.py'
]

model = dict(_base_.demo_model, **_base_.rfcn_speed_overrides)
# tools/demo.py passes the checkpoint of its own run (work dir, scale)
load_from = 'work_dirs/demo/rfcn_vgg1-4_demo/iter_2000.pth'
