# `make demo` (--pruning), Table 2's He et al. row: the demo teacher pruned
# once by LASSO channel selection + least-squares reconstruction to the
# VGG-1-32 widths (configs/pruning/lasso_rfcn_vgg1-4-pruned8_80k_wider.py),
# 16 batches of 2 images, 64 points each (the paper: 10 points on each of
# 5000 images), then finetuned on the students' schedule.
_base_ = [
    '../_base_/pruning/rfcn_vgg1-4_to_vgg1-32.py', './_base_/demo_faces.py',
    './_base_/student.py', './_base_/default_runtime.py',
    './_base_/cpu_speed_overrides.py'
]

model = dict(
    type='LassoChannelPruneAlgorithm',
    architecture=dict(_base_.demo_model, **_base_.rfcn_speed_overrides),
    # tools/demo.py passes the checkpoint of its own run (work dir, scale)
    init_ckpt='work_dirs/demo/rfcn_vgg1-4_demo/iter_2000.pth',
    num_batches=16,
    num_points=64)
# Finetune lr 0.05 (the teacher continuations' lr), chosen on val: at the
# students' 0.1 the pruned networks stall (val easy, seed 1: Taylor 0.026 ->
# 0.669, He et al. 0.282 -> 0.689; Taylor seed 2: 0.101 -> 0.311).
optim_wrapper = dict(optimizer=dict(lr=0.05))
