"""Detections of the optimised R-FCN equal those of the first version.

"Before": mmdet's ``RPNHead`` (full mmcv NMS, then the first
``max_per_img``) and the first PS-RoI pooling (``tests/
ps_roi_pool_reference.py``, one call per kind of map). "After": the
demo configs' ``CappedNMSRPNHead`` and the fused one-gather pooling. Same fixed
(seeded) weights, one random gray image; tolerance 1e-5 on boxes and
scores (the paths are exact, so they agree to the bit here).
"""
import copy
import os.path as osp

import pytest
import torch
from mmdet.models.dense_heads import RPNHead
from mmdet.registry import MODELS
from mmengine.registry import init_default_scope

from ps_roi_pool_reference import ps_roi_pool as reference_ps_roi_pool
from qmimic_mm.analysis.flops import synthetic_batch
from qmimic_mm.models.cpu_speedups import CappedNMSRPNHead
from qmimic_mm.analysis.flops import load_detector_config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def reference_forward_rois(head, cls_maps, reg_maps, rois):
    """RFCNBBoxHead.forward_rois as first written: two pooling calls."""
    scale = 1. / head.featmap_stride
    cls_score = reference_ps_roi_pool(cls_maps, rois, head.k,
                                      scale).mean((2, 3))
    bbox_pred = reference_ps_roi_pool(reg_maps, rois, head.k,
                                      scale).mean((2, 3))
    return cls_score, bbox_pred


def fixed_weight_detector(config: str):
    cfg = load_detector_config(osp.join(REPO, "configs", config))
    init_default_scope('mmdet')
    model = MODELS.build(cfg.model)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, param in model.named_parameters():
            param.copy_(torch.randn(param.shape, generator=gen) * 0.3)
    return model.eval()


@pytest.mark.parametrize('config,shape', [
    ('demo/rfcn_vgg1-32_demo.py', (384, 512)),
    ('demo/rfcn_vgg1-32_demo.py', (200, 333)),
])
def test_detections_equal_before_after(config, shape):
    after = fixed_weight_detector(config)
    assert isinstance(after.rpn_head, CappedNMSRPNHead)
    before = copy.deepcopy(after)
    before.rpn_head.__class__ = RPNHead
    head = before.roi_head.bbox_head
    head.forward_rois = lambda c, r, rois: reference_forward_rois(
        head, c, r, rois)
    batch = synthetic_batch(after, shape, seed=3)
    with torch.no_grad():
        x = after.extract_feat(after.data_preprocessor(batch)['inputs'])
        metas = [s.metainfo for s in batch['data_samples']]
        props_after = after.rpn_head.predict(x, batch['data_samples'])
        props_before = before.rpn_head.predict(x, batch['data_samples'])
        det_after = after.test_step(batch)[0].pred_instances
        det_before = before.test_step(batch)[0].pred_instances
    # the capped path runs (more candidates than 2 x max_per_img); the small
    # image has fewer than 300 survivors, so every chunk is visited
    assert after.test_cfg.rpn.max_per_img == 300
    assert len(props_after[0]) == len(props_before[0]) <= 300
    assert torch.equal(props_after[0].bboxes, props_before[0].bboxes)
    assert len(det_after) == len(det_before) > 0
    torch.testing.assert_close(det_after.bboxes, det_before.bboxes,
                               rtol=0, atol=1e-5)
    torch.testing.assert_close(det_after.scores, det_before.scores,
                               rtol=0, atol=1e-5)
    assert torch.equal(det_after.labels, det_before.labels)
    assert metas[0]['img_shape'] == shape
