"""R-FCN head in a full mmdet two-stage detector on tiny gray images."""
import copy

import pytest
import torch
from mmdet.registry import MODELS
from mmdet.testing import demo_mm_inputs
from mmdet.utils import register_all_modules
from mmengine.config import ConfigDict
from mmengine.structures import InstanceData

from qmimic_mm.models.layers import ps_roi_pool
from qmimic_mm.models.roi_heads import RFCNBBoxHead, RFCNRoIHead

register_all_modules()

NUM_CLASSES = 2


def detector_cfg(sampler: str = 'OHEMSampler') -> dict:
    """Gray VGG-1-32 + RPN (1 ratio, 4 scales) + R-FCN (3x3) + OHEM."""
    nms = dict(type='nms', iou_threshold=0.7)
    return dict(
        type='FasterRCNN',
        data_preprocessor=dict(
            type='DetDataPreprocessor',
            mean=[127.5],
            std=[127.5],
            bgr_to_rgb=False,
            pad_size_divisor=16),
        backbone=dict(type='WidthScaledVGG', width_divisor=32, in_channels=1),
        rpn_head=dict(
            type='RPNHead',
            in_channels=16,
            feat_channels=16,
            anchor_generator=dict(
                type='AnchorGenerator',
                scales=[1, 2, 4, 8],
                ratios=[1.0],
                strides=[16]),
            bbox_coder=dict(
                type='DeltaXYWHBBoxCoder',
                target_means=[.0, .0, .0, .0],
                target_stds=[1.0, 1.0, 1.0, 1.0]),
            loss_cls=dict(
                type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0),
            loss_bbox=dict(type='SmoothL1Loss', beta=1 / 9,
                           loss_weight=1.0)),
        roi_head=dict(
            type='RFCNRoIHead',
            bbox_head=dict(
                type='RFCNBBoxHead',
                in_channels=16,
                feat_channels=32,
                num_classes=NUM_CLASSES,
                roi_feat_size=3)),
        train_cfg=dict(
            rpn=dict(
                assigner=dict(
                    type='MaxIoUAssigner',
                    pos_iou_thr=0.7,
                    neg_iou_thr=0.3,
                    min_pos_iou=0.3,
                    match_low_quality=True,
                    ignore_iof_thr=-1),
                sampler=dict(
                    type='RandomSampler',
                    num=32,
                    pos_fraction=0.5,
                    neg_pos_ub=-1,
                    add_gt_as_proposals=False),
                allowed_border=-1,
                pos_weight=-1,
                debug=False),
            rpn_proposal=dict(
                nms_pre=200, max_per_img=50, nms=nms, min_bbox_size=0),
            rcnn=dict(
                assigner=dict(
                    type='MaxIoUAssigner',
                    pos_iou_thr=0.5,
                    neg_iou_thr=0.5,
                    min_pos_iou=0.5,
                    match_low_quality=False,
                    ignore_iof_thr=-1),
                sampler=dict(
                    type=sampler,
                    num=8,
                    pos_fraction=0.25,
                    neg_pos_ub=-1,
                    add_gt_as_proposals=True),
                pos_weight=-1,
                debug=False)),
        test_cfg=dict(
            rpn=dict(nms_pre=200, max_per_img=50, nms=nms, min_bbox_size=0),
            rcnn=dict(
                score_thr=0.0,
                nms=dict(type='nms', iou_threshold=0.3),
                max_per_img=20)))


def build_detector(sampler: str = 'OHEMSampler'):
    torch.manual_seed(0)
    # ConfigDict: the detector reads train_cfg.rpn as an attribute
    model = MODELS.build(ConfigDict(detector_cfg(sampler)))
    model.init_weights()
    return model


def make_batch(model, num_items=None, training=True):
    packed = demo_mm_inputs(
        batch_size=2,
        image_shapes=(1, 64, 64),
        num_items=num_items,
        num_classes=NUM_CLASSES)
    return model.data_preprocessor(packed, training)


def test_bbox_head_shapes_and_vote():
    head = RFCNBBoxHead(in_channels=8, feat_channels=None, num_classes=3,
                        roi_feat_size=3)
    assert head.reduce_conv is None
    assert head.conv_cls.out_channels == 9 * 4
    assert head.conv_reg.out_channels == 9 * 4
    assert not hasattr(head, 'fc_cls') and not hasattr(head, 'fc_reg')
    feat = torch.rand(2, 8, 5, 6)
    rois = torch.tensor([[0, 0., 0., 40., 40.], [1, 20., 10., 90., 70.],
                         [1, 200., 200., 300., 300.]])
    cls_score, bbox_pred = head(feat, rois)
    assert cls_score.shape == (3, 4) and bbox_pred.shape == (3, 4)
    cls_maps, _ = head.forward_score_maps(feat)
    vote = ps_roi_pool(cls_maps, rois, 3, 1 / 16).mean((2, 3))
    torch.testing.assert_close(cls_score, vote)
    # a tuple of maps reads the last one; class-specific boxes: 4 * C
    head = RFCNBBoxHead(in_channels=8, feat_channels=12, num_classes=3,
                        reg_class_agnostic=False)
    cls_score, bbox_pred = head((torch.rand(2, 4, 5, 6), feat), rois)
    assert bbox_pred.shape == (3, 12) and cls_score.shape == (3, 4)


def test_roi_head_config_errors():
    bbox_head = dict(type='RFCNBBoxHead', in_channels=8, num_classes=1)
    with pytest.warns(UserWarning, match='bbox_roi_extractor is ignored'):
        head = RFCNRoIHead(
            bbox_head=bbox_head,
            bbox_roi_extractor=dict(type='SingleRoIExtractor'))
    assert head.bbox_roi_extractor is None
    with pytest.raises(NotImplementedError, match='mask_head'):
        RFCNRoIHead(bbox_head=bbox_head, mask_head=dict(type='FCNMaskHead'))


@pytest.mark.parametrize('num_items', [None, [0, 0]])
def test_detector_loss_backward(num_items):
    model = build_detector()
    model.train()
    data = make_batch(model, num_items)
    losses = model.loss(data['inputs'], data['data_samples'])
    for key in ('loss_rpn_cls', 'loss_rpn_bbox', 'loss_cls', 'loss_bbox',
                'acc'):
        assert key in losses
    loss, _ = model.parse_losses(losses)
    assert torch.isfinite(loss)
    loss.backward()
    conv_cls = model.roi_head.bbox_head.conv_cls
    assert conv_cls.weight.grad is not None
    assert conv_cls.weight.grad.abs().sum() > 0
    assert model.backbone.stage1[0].conv.weight.grad is not None
    if num_items == [0, 0]:  # no positives: no box regression signal
        assert losses['loss_bbox'] == 0


def test_ohem_score_maps_computed_once(monkeypatch):
    model = build_detector()
    model.train()
    data = make_batch(model, [3, 2])
    roi_head = model.roi_head
    calls = dict(maps=0, bbox_forward=0)
    forward_maps = roi_head.bbox_head.forward_score_maps
    bbox_forward = roi_head._bbox_forward

    def count_maps(*args, **kwargs):
        calls['maps'] += 1
        return forward_maps(*args, **kwargs)

    def count_bbox_forward(*args, **kwargs):
        calls['bbox_forward'] += 1
        return bbox_forward(*args, **kwargs)

    monkeypatch.setattr(roi_head.bbox_head, 'forward_score_maps',
                        count_maps)
    monkeypatch.setattr(roi_head, '_bbox_forward', count_bbox_forward)
    # keep the proposals given to the roi head to check they are not
    # mutated (StandardRoIHead pops `bboxes` in place; we do not)
    seen = {}
    roi_loss = roi_head.loss

    def spy_loss(x, rpn_results_list, samples):
        seen['rpn'] = rpn_results_list
        return roi_loss(x, rpn_results_list, samples)

    monkeypatch.setattr(roi_head, 'loss', spy_loss)
    losses = model.loss(data['inputs'], data['data_samples'])
    # OHEM mined (>= 1 no_grad pass per image) + the final pass ...
    assert calls['bbox_forward'] >= 3
    # ... yet the score maps were built once, and the cache is gone
    assert calls['maps'] == 1
    assert roi_head._maps_cache is None
    assert all('bboxes' in r for r in seen['rpn'])
    assert torch.isfinite(model.parse_losses(losses)[0])

    # outside loss() there is no cache: each call computes its maps
    x = model.extract_feat(data['inputs'])
    rois = torch.tensor([[0, 4., 4., 40., 40.], [1, 0., 8., 63., 50.]])
    out = roi_head._bbox_forward(x, rois)
    assert calls['maps'] == 2
    with torch.no_grad():
        ref = roi_head.bbox_head(x, rois)
    torch.testing.assert_close(out['cls_score'], ref[0])
    torch.testing.assert_close(out['bbox_pred'], ref[1])


def test_random_sampler_also_works():
    model = build_detector('RandomSampler')
    data = make_batch(model)
    loss, _ = model.parse_losses(
        model.loss(data['inputs'], data['data_samples']))
    assert torch.isfinite(loss)


def test_predict_returns_boxes():
    model = build_detector()
    model.eval()
    data = make_batch(model, training=False)
    with torch.no_grad():
        results = model.predict(data['inputs'], data['data_samples'])
        feats = model.forward(data['inputs'], copy.deepcopy(
            data['data_samples']), mode='tensor')
    assert len(results) == 2
    for res in results:
        pred = res.pred_instances
        assert isinstance(pred, InstanceData)
        assert pred.bboxes.ndim == 2 and pred.bboxes.shape[1] == 4
        assert len(pred.bboxes) == len(pred.scores) == len(pred.labels) > 0
        assert ((pred.labels >= 0) & (pred.labels < NUM_CLASSES)).all()
    assert isinstance(feats, tuple)
