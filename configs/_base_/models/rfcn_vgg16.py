# R-FCN (Dai et al. 2016) on a gray VGG16 without pool5 (conv5_3 at stride
# 16), as in the paper's WIDER FACE experiments (Sec. 3.5):
# - RPN with 1 aspect ratio and 4 scales, "box areas 4^2 ... 32^2" read as
#   py-faster-rcnn scales times the stride 16 (anchor sides 64 ... 512);
# - 2000 post-NMS proposals in training, all scored by OHEM (128 kept);
# - 3x3 position-sensitive RoI pooling, class-agnostic box maps.
# Batch norm after every conv: no ImageNet-pretrained gray VGG-1-k exists,
# and it lets every width train from scratch.
# mmdet's types (and its data preprocessor with gray conversion); the demo
# swaps in its CPU speed overrides
# (configs/demo/_base_/cpu_speed_overrides.py).
model = dict(
    # two-stage detector: backbone -> RPN -> R-FCN head
    type='FasterRCNN',
    # mmdet's DetDataPreprocessor that turns colour arrays (e.g. given to
    # inference_detector) into gray as OpenCV does
    data_preprocessor=dict(
        type='GrayDetDataPreprocessor', mean=[117.0], std=[58.0],
        bgr_to_rgb=False, pad_size_divisor=16),
    backbone=dict(
        type='WidthScaledVGG', width_divisor=1, in_channels=1,
        out_indices=(4, ), norm_cfg=dict(type='BN', requires_grad=True)),
    rpn_head=dict(
        type='RPNHead',
        in_channels=512,
        feat_channels=512,
        anchor_generator=dict(
            type='AnchorGenerator', scales=[4, 8, 16, 32], ratios=[1.0],
            strides=[16]),
        bbox_coder=dict(
            type='DeltaXYWHBBoxCoder', target_means=[.0, .0, .0, .0],
            target_stds=[1.0, 1.0, 1.0, 1.0]),
        loss_cls=dict(
            type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0),
        loss_bbox=dict(type='SmoothL1Loss', beta=1.0 / 9.0, loss_weight=1.0)),
    roi_head=dict(
        type='RFCNRoIHead',
        bbox_head=dict(
            type='RFCNBBoxHead',
            in_channels=512,
            feat_channels=1024,
            num_classes=1,
            roi_feat_size=3,
            featmap_stride=16,
            bbox_coder=dict(
                type='DeltaXYWHBBoxCoder', target_means=[0., 0., 0., 0.],
                target_stds=[0.1, 0.1, 0.2, 0.2]),
            loss_cls=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            loss_bbox=dict(type='SmoothL1Loss', beta=1.0, loss_weight=1.0))),
    train_cfg=dict(
        rpn=dict(
            assigner=dict(
                type='MaxIoUAssigner', pos_iou_thr=0.7, neg_iou_thr=0.3,
                min_pos_iou=0.3, match_low_quality=True, ignore_iof_thr=0.5),
            sampler=dict(
                type='RandomSampler', num=256, pos_fraction=0.5,
                neg_pos_ub=-1, add_gt_as_proposals=False),
            allowed_border=-1,
            pos_weight=-1,
            debug=False),
        rpn_proposal=dict(
            nms_pre=12000, max_per_img=2000,
            nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
        rcnn=dict(
            assigner=dict(
                type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5,
                min_pos_iou=0.5, match_low_quality=False, ignore_iof_thr=0.5),
            sampler=dict(
                type='OHEMSampler', num=128, pos_fraction=0.25,
                neg_pos_ub=-1, add_gt_as_proposals=True),
            pos_weight=-1,
            debug=False)),
    test_cfg=dict(
        rpn=dict(
            nms_pre=6000, max_per_img=300,
            nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
        # low threshold, many boxes: the WIDER protocol sweeps scores
        rcnn=dict(
            score_thr=0.01, nms=dict(type='nms', iou_threshold=0.3),
            max_per_img=750)))
