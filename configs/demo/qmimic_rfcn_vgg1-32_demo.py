# `make demo`, Quantization Mimic (Eq. 6): the quantized teacher teaching
# VGG-1-32 (the model of configs/qmimic/rfcn_vgg1-32_wider.py) at demo size.
_base_ = [
    '../_base_/distill/qmimic_rfcn_vgg1-4-quant_vgg1-32.py',
    './_base_/demo_faces.py', './_base_/student.py',
    './_base_/default_runtime.py', './_base_/cpu_speed_overrides.py'
]

model = dict(
    architecture=dict(
        _base_.demo_model,
        **_base_.rfcn_speed_overrides,
        **_base_.tiny_conv_speed_override),
    teacher=_base_.rfcn_speed_overrides,
    teacher_feature_cache=_base_.demo_teacher_feature_cache,
    # tools/demo.py passes the checkpoint of its own run (seed, scale)
    teacher_ckpt='work_dirs/demo/seed0/rfcn_vgg1-4-quant_demo/iter_400.pth')
custom_hooks = _base_.demo_distill_hooks
