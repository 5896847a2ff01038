# Faster R-CNN on ResNet18 with a dilated C5 (stride 16, one feature map):
# the paper's single "last feature layer" that mimic learning reads, with
# 7x7 RoI features and 128 sampled RoIs per image (Sec. 3.5).
_base_ = 'mmdet::_base_/models/faster-rcnn_r50-caffe-dc5.py'

model = dict(
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        depth=18, base_channels=64, style='pytorch', frozen_stages=-1,
        norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False,
        init_cfg=None),
    rpn_head=dict(
        in_channels=512, feat_channels=512,
        # Sec. 3.5: 2 aspect ratios (2:1, 3:1) and box areas 4^2, 8^2, 16^2
        # read as py-faster-rcnn scales times the stride: sides 64/128/256.
        anchor_generator=dict(scales=[4, 8, 16], ratios=[2.0, 3.0])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=512),
        bbox_head=dict(in_channels=512, num_classes=20)),
    train_cfg=dict(rcnn=dict(sampler=dict(num=128))))
