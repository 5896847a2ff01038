# `make demo` (--pruning), Table 2's Molchanov et al. row: the demo teacher
# pruned by the Taylor criterion to the VGG-1-32 widths while finetuning
# (configs/pruning/taylor_rfcn_vgg1-4-pruned8_80k_wider.py), on the students'
# schedule: 8 pruning steps every 100 iterations, then finetuning to 2000.
_base_ = [
    '../_base_/pruning/rfcn_vgg1-4_to_vgg1-32.py', './_base_/demo_faces.py',
    './_base_/student.py', './_base_/default_runtime.py',
    './_base_/cpu_speed_overrides.py'
]

model = dict(
    type='TaylorPruneAlgorithm',
    architecture=dict(_base_.demo_model, **_base_.rfcn_speed_overrides),
    # tools/demo.py passes the checkpoint of its own run (work dir, scale)
    init_ckpt='work_dirs/demo/rfcn_vgg1-4_demo/iter_2000.pth',
    prune_interval=100,
    num_prune_steps=8)
# Finetune lr 0.05 (the teacher continuations' lr), chosen on val: at the
# students' 0.1 the pruned networks stall (val easy, seed 1: Taylor 0.026 ->
# 0.669, He et al. 0.282 -> 0.689; Taylor seed 2: 0.101 -> 0.311).
optim_wrapper = dict(optimizer=dict(lr=0.05))
