# Table 2, Molchanov et al. 2017: the VGG-1-4 R-FCN teacher pruned to the
# VGG-1-32 budget by the first-order Taylor criterion, iteratively while
# finetuning: 10 pruning steps, one every 2000 iterations (criterion
# accumulated over them), then finetuning to the end of the 80k schedule.
_base_ = [
    '../_base_/pruning/rfcn_vgg1-4_to_vgg1-32.py',
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py'
]

model = dict(
    type='TaylorPruneAlgorithm', prune_interval=2000, num_prune_steps=10)
