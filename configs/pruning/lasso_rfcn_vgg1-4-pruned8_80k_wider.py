# Table 2, He et al. 2017 (channel pruning): the VGG-1-4 R-FCN teacher pruned
# to the VGG-1-32 budget in one pass before training — per layer, LASSO
# channel selection on 10 sampled points per image of 200 training images,
# least-squares reconstruction of the next layer against the original
# network — then finetuned with the 80k schedule.
_base_ = [
    '../_base_/pruning/rfcn_vgg1-4_to_vgg1-32.py',
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py'
]

model = dict(type='LassoChannelPruneAlgorithm', num_batches=200, num_points=10)
