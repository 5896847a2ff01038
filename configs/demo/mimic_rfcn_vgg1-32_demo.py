# `make demo`, Li et al.'s RoI mimic (Eq. 5) of the fp teacher continued
# (configs/mimic/rfcn_vgg1-32_wider.py) at demo size.
_base_ = ['../mimic/rfcn_vgg1-32_wider.py', './_base_/student.py']

globals().update(_base_.demo)  # data and schedule (see _base_/demo_faces.py)
model = dict(
    architecture=_base_.demo_model,
    teacher_feature_cache=_base_.demo_teacher_feature_cache,
    # tools/demo.py passes the checkpoint of its own run (seed, scale)
    teacher_ckpt='work_dirs/demo/seed0/rfcn_vgg1-4-continued_demo/'
    'iter_400.pth')
custom_hooks = _base_.demo_distill_hooks
