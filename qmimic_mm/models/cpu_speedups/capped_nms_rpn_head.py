"""mmdet's RPN head with an NMS that stops at ``max_per_img`` proposals."""
from typing import Optional

import torch
from mmdet.models.dense_heads import RPNHead
from mmdet.registry import MODELS
from mmdet.structures.bbox import get_box_tensor, get_box_wh, scale_boxes
from mmengine.config import ConfigDict
from mmengine.structures import InstanceData

from .capped_nms import capped_nms

#: The capped pass pays off when it can stop early: at least this many
#: candidates per wanted proposal (R-FCN test: 6000 / 300 = 20).
MIN_CANDIDATES_PER_PROPOSAL = 8


@MODELS.register_module()
class CappedNMSRPNHead(RPNHead):
    """:class:`mmdet.models.dense_heads.RPNHead` whose proposal NMS stops
    once ``max_per_img`` proposals are kept (:func:`capped_nms`).

    Same weights, targets, losses and proposals as ``RPNHead``: the kept
    boxes are exactly the first ``max_per_img`` of mmcv's full NMS (tested
    against it). R-FCN's test setting (``nms_pre=6000``,
    ``max_per_img=300``, as py-R-FCN's ``RPN_PRE_NMS_TOP_N`` /
    ``RPN_POST_NMS_TOP_N``) spent most of the VGG-1-32 detector's
    post-backbone time in NMS over boxes it then discarded. When early
    stopping cannot pay off (fewer than
    ``MIN_CANDIDATES_PER_PROPOSAL * max_per_img`` candidates, an NMS other
    than plain ``nms``, or mmcv's split path for >= ``split_thr`` boxes)
    the parent's code runs unchanged.

    Args:
        Same as :class:`mmdet.models.dense_heads.RPNHead`.

    Example:
        >>> rpn_head = dict(type='CappedNMSRPNHead', in_channels=16,
        ...                 feat_channels=16, anchor_generator=...)
    """

    def _bbox_post_process(self,
                           results: InstanceData,
                           cfg: ConfigDict,
                           rescale: bool = False,
                           with_nms: bool = True,
                           img_meta: Optional[dict] = None) -> InstanceData:
        """Rescale, drop small boxes, capped NMS (see the class doc)."""
        nms_cfg = dict(cfg.nms)
        nms_type = nms_cfg.pop('type', 'nms')
        iou_threshold = nms_cfg.pop('iou_threshold', 0.3)
        split_thr = nms_cfg.pop('split_thr', 10000)
        nms_cfg.pop('class_agnostic', None)
        max_per_img = cfg.get('max_per_img', -1)
        num = len(results)
        if (not with_nms or nms_type != 'nms' or nms_cfg or max_per_img <= 0
                or num >= split_thr
                or num < MIN_CANDIDATES_PER_PROPOSAL * max_per_img):
            return super()._bbox_post_process(results, cfg, rescale,
                                              with_nms, img_meta)
        if rescale:
            assert img_meta.get('scale_factor') is not None
            scale_factor = [1 / s for s in img_meta['scale_factor']]
            results.bboxes = scale_boxes(results.bboxes, scale_factor)
        if cfg.get('min_bbox_size', -1) >= 0:
            w, h = get_box_wh(results.bboxes)
            valid_mask = (w > cfg.min_bbox_size) & (h > cfg.min_bbox_size)
            if not valid_mask.all():
                results = results[valid_mask]
        if len(results) == 0:
            return super()._bbox_post_process(results, cfg, False, with_nms,
                                              img_meta)
        bboxes = get_box_tensor(results.bboxes)
        # mmcv's batched_nms keeps the levels apart by offsetting boxes
        levels = results.level_ids.to(bboxes)
        offsets = levels * (bboxes.max() + torch.tensor(1).to(bboxes))
        keep = capped_nms(bboxes + offsets[:, None], results.scores,
                          iou_threshold, max_per_img)
        results = results[keep]
        results.labels = results.scores.new_zeros(
            len(results), dtype=torch.long)
        del results.level_ids
        return results
