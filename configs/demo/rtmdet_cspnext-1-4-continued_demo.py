# `make demo --family one-stage`, the fp teacher continued for as long as
# its quantized finetune (the mimic baseline's teacher).
_base_ = [
    '../_base_/models/rtmdet_cspnext-1-4_gray.py', './_base_/demo_faces.py',
    './_base_/one_stage_teacher_continued.py', './_base_/default_runtime.py'
]

# tools/demo.py passes the checkpoint of its own run (work dir, scale)
load_from = 'work_dirs/demo_one-stage/rtmdet_cspnext-1-4_demo/iter_12000.pth'
