# RetinaNet ResNet18 for Pascal VOC: the gray face model back on colour
# input with the 20 VOC classes, mmdet's 3 anchor ratios and its VOC test
# settings.
_base_ = './retinanet_r18_gray.py'

model = dict(
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(in_channels=3),
    bbox_head=dict(
        num_classes=20, anchor_generator=dict(ratios=[0.5, 1.0, 2.0])),
    test_cfg=dict(score_thr=0.05, nms=dict(iou_threshold=0.5),
                  max_per_img=100))
