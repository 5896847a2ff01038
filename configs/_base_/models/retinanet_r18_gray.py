# RetinaNet (mmdet's) on a gray ResNet18 with a 5-level FPN (strides 8-128)
# for faces: one aspect ratio (the paper's face anchors are square), mmdet's
# 3 scales per octave. Batch norm trains (no ImageNet-pretrained gray
# ResNet18-1-k exists); the width configs scale base_channels and the
# FPN/head channels.
_base_ = 'mmdet::_base_/models/retinanet_r50_fpn.py'

model = dict(
    # mmdet's DetDataPreprocessor that turns colour arrays (e.g. given to
    # inference_detector) into gray as the gray loader would
    data_preprocessor=dict(
        type='GrayDetDataPreprocessor', mean=[117.0], std=[58.0],
        bgr_to_rgb=False, pad_size_divisor=32),
    backbone=dict(
        depth=18, in_channels=1, base_channels=64, style='pytorch',
        frozen_stages=-1, norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=False, init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=256),
    bbox_head=dict(
        num_classes=1, in_channels=256, feat_channels=256,
        anchor_generator=dict(ratios=[1.0])),
    test_cfg=dict(
        nms_pre=2000, score_thr=0.01, nms=dict(type='nms', iou_threshold=0.45),
        max_per_img=300))
