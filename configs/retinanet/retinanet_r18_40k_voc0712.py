# Teacher: full-precision RetinaNet ResNet18 (5-level FPN of 256 channels)
# on VOC 07+12, colour input, mmdet's anchors.
_base_ = [
    '../_base_/models/retinanet_r18_voc.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/sgd_40k.py', '../_base_/default_runtime.py'
]

# mmdet's RetinaNet lr (batch 16) with gradient clipping
optim_wrapper = dict(
    optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35, norm_type=2))
