# `make demo`, the quantized teacher (Sec. 3.3): the fp teacher finetuned
# with Q on conv5_3 (configs/rfcn/rfcn_vgg1-4-quant_20k_wider.py) at demo
# size. Quantization Mimic learns from it.
_base_ = [
    '../_base_/models/rfcn_vgg1-4.py', './_base_/demo_faces.py',
    './_base_/teacher_continued.py', './_base_/default_runtime.py',
    './_base_/cpu_speed_overrides.py'
]

model = dict(
    _base_.demo_model,
    neck=dict(type='UniformQuantizer', levels=40),
    **_base_.rfcn_speed_overrides)
# tools/demo.py passes the checkpoint of its own run (work dir, scale)
load_from = 'work_dirs/demo/rfcn_vgg1-4_demo/iter_2000.pth'
