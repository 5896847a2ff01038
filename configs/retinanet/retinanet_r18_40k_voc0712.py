# Teacher: full-precision RetinaNet ResNet18 (5-level FPN of 256 channels)
# on VOC 07+12, colour input, mmdet's anchors.
_base_ = [
    '../_base_/models/retinanet_r18_gray.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/sgd_40k.py', '../_base_/default_runtime.py'
]

model = dict(
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(in_channels=3),
    bbox_head=dict(
        num_classes=20, anchor_generator=dict(ratios=[0.5, 1.0, 2.0])),
    test_cfg=dict(score_thr=0.05, nms=dict(iou_threshold=0.5),
                  max_per_img=100))
optim_wrapper = dict(
    optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35, norm_type=2))
