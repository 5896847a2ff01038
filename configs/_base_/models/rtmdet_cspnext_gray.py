# RTMDet (mmdet's one-stage detector: CSPNeXt backbone, CSPNeXtPAFPN neck,
# shared-conv separate-BN head over 3 levels at strides 8/16/32, anchor-free
# points with DynamicSoftLabelAssigner) for faces on gray input. Full width
# here is RTMDet-l's (widen_factor 1: stages of 128-1024 channels, neck and
# head 256) at RTMDet-tiny's depth (deepen_factor 0.167, one CSP block per
# stage); the width configs scale widen_factor and the neck/head channels.
model = dict(
    type='RTMDet',
    use_syncbn=False,  # CPU and single-process runs; dist_train.sh may set it
    # mmdet's DetDataPreprocessor that turns colour arrays (e.g. given to
    # inference_detector) into gray as the gray loader would
    data_preprocessor=dict(
        type='GrayDetDataPreprocessor', mean=[117.0], std=[58.0],
        bgr_to_rgb=False, pad_size_divisor=32, batch_augments=None),
    backbone=dict(
        type='GrayCSPNeXt',  # mmdet's CSPNeXt with a 1-channel stem
        in_channels=1,
        arch='P5',
        expand_ratio=0.5,
        deepen_factor=0.167,
        widen_factor=1.0,
        channel_attention=True,
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True)),
    neck=dict(
        type='CSPNeXtPAFPN',
        in_channels=[256, 512, 1024],
        out_channels=256,
        num_csp_blocks=1,
        expand_ratio=0.5,
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True)),
    bbox_head=dict(
        type='RTMDetSepBNHead',
        num_classes=1,
        in_channels=256,
        stacked_convs=2,
        feat_channels=256,
        anchor_generator=dict(
            type='MlvlPointGenerator', offset=0, strides=[8, 16, 32]),
        bbox_coder=dict(type='DistancePointBBoxCoder'),
        loss_cls=dict(
            type='QualityFocalLoss', use_sigmoid=True, beta=2.0,
            loss_weight=1.0),
        loss_bbox=dict(type='GIoULoss', loss_weight=2.0),
        with_objectness=False,
        exp_on_reg=False,
        share_conv=True,
        pred_kernel_size=1,
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True)),
    train_cfg=dict(
        assigner=dict(type='DynamicSoftLabelAssigner', topk=13),
        allowed_border=-1,
        pos_weight=-1,
        debug=False),
    # many low-score boxes: the WIDER protocol sweeps the score threshold
    test_cfg=dict(
        nms_pre=2000,
        min_bbox_size=0,
        score_thr=0.01,
        nms=dict(type='nms', iou_threshold=0.45),
        max_per_img=300))
