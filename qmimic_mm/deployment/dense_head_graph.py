"""A whole one-stage dense detector, image in, detections out, as one
exportable graph.

:class:`DenseHeadDetectionGraph` is what ``model.test_step`` runs for one
image of a single-stage detector (mmdet's RTMDet, RetinaNet): the data
preprocessor, backbone, neck and head convs, then ``BaseDenseHead``'s
post-processing -- per level the score activation and the top
``nms_pre`` scores, the priors of the kept locations, box decoding, then
``min_bbox_size``, ``score_thr``, the NMS and the first ``max_per_img``.
Written with traceable ops, ``torch.onnx.export`` turns it into standard
ONNX ops (:func:`~qmimic_mm.deployment.export_onnx`); it is the one-stage
counterpart of :class:`~qmimic_mm.deployment.RFCNDetectionGraph`.

mmdet's own code does the priors (``prior_generator.sparse_priors``: the
kept locations' points or anchors only, equal to ``grid_priors`` picked)
and the distance decoding (``DistancePointBBoxCoder.decode``). Three steps
are the project's, as for R-FCN, because mmdet's do not trace:

- the data preprocessor and its fold into the first conv
  (:class:`~qmimic_mm.deployment.rfcn_graph.ImagePreprocess`,
  :mod:`~qmimic_mm.deployment.preprocess_folding`);
- the clipping to the image (mmdet's ONNX branch of ``distance2bbox`` and
  of ``delta2bbox`` imports ``mmdet.core.export``, gone in mmdet 3): boxes
  are decoded unclipped, then clipped against the traced image size;
  ``DeltaXYWHBBoxCoder`` decodes with
  :func:`~qmimic_mm.deployment.rfcn_graph.decode_deltas`;
- mmdet's ``filter_scores_and_topk`` (``nonzero`` and a sort of a data-
  dependent length) becomes one ``TopK`` per level, and the score
  threshold is applied by the NMS (:func:`~qmimic_mm.deployment.onnx_nms.
  onnx_nms`), which keeps the same boxes: the top ``nms_pre`` scores above
  the threshold are the scores above the threshold among the top
  ``nms_pre``.

mmdet rescales the boxes to the original image *before* the size filter
and the NMS; the graph works in the input image's pixels and the runner
rescales after (:func:`~qmimic_mm.deployment.rfcn_graph.detect_per_image`),
which gives the same boxes for ``min_bbox_size=0`` (the configs') up to
float rounding of the IoUs.
"""
from typing import Sequence, Tuple

import torch
from mmdet.models.task_modules.coders import DeltaXYWHBBoxCoder
from torch import Tensor, nn

from .dense_head_network import DenseHeadNetwork
from .onnx_nms import onnx_nms
from .rfcn_graph import (check_nms_cfg, decode_deltas, image_size, max_num,
                         network_and_preprocess, topk_count)


class DenseHeadDetections(nn.Module):
    """``BaseDenseHead.predict_by_feat`` for one image, traceable.

    Args:
        bbox_head (nn.Module): The detector's dense head (RTMDet's,
            RetinaNet's; see :func:`~qmimic_mm.deployment.
            dense_head_network.unsupported_dense_head`).
        cfg (dict): ``model.test_cfg``.
    """

    def __init__(self, bbox_head: nn.Module, cfg: dict) -> None:
        super().__init__()
        self.use_sigmoid = bool(bbox_head.use_sigmoid_cls)
        self.cls_channels = int(bbox_head.cls_out_channels)
        self.prior_generator = bbox_head.prior_generator
        self.bbox_coder = bbox_head.bbox_coder
        self.cfg = cfg

    def forward(self, cls_scores: Sequence[Tensor],
                bbox_preds: Sequence[Tensor],
                max_hw: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """(M, 4) boxes in the input image's pixels, (M,) scores and (M,)
        labels, by score, from each level's (1, A*C, h, w) class maps and
        (1, A*4, h, w) box maps of an image of size ``max_hw``."""
        cfg = self.cfg
        kept = [self._level(level, cls, reg)
                for level, (cls, reg) in enumerate(zip(cls_scores,
                                                       bbox_preds))]
        scores, labels, priors, preds = (torch.cat(part)
                                         for part in zip(*kept))
        boxes = self._decode(priors, preds, max_hw)
        min_size = cfg.get('min_bbox_size', -1)
        score_thr = float(cfg.get('score_thr', 0))
        if min_size >= 0:  # dropped boxes take no part in the NMS
            wh = boxes[:, 2:] - boxes[:, :2]
            valid = (wh[:, 0] > min_size) & (wh[:, 1] > min_size)
            scores = torch.where(valid, scores,
                                 scores.new_tensor(min(score_thr, 0.) - 1))
        boxes_for_nms = boxes
        num_classes = self.cls_channels - (0 if self.use_sigmoid else 1)
        if num_classes > 1 and not cfg.nms.get('class_agnostic', False):
            # classes apart, as mmcv's batched_nms does
            offsets = labels.to(boxes) * (boxes.max() + 1)
            boxes_for_nms = boxes + offsets[:, None]
        keep = onnx_nms(boxes_for_nms, scores, cfg.nms.iou_threshold,
                        score_thr, max_num(cfg))
        return boxes[keep], scores[keep], labels[keep]

    def _level(self, level: int, cls_score: Tensor,
               bbox_pred: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """Scores, labels, priors and box predictions of one level's top
        ``nms_pre`` (prior, class) pairs, unsorted (the NMS sorts)."""
        scores = cls_score[0].permute(1, 2, 0).reshape(-1, self.cls_channels)
        scores = (scores.sigmoid() if self.use_sigmoid else
                  scores.softmax(-1)[:, :-1])
        num_classes = scores.size(1)
        scores = scores.reshape(-1)  # prior-major, as mmdet's nonzero
        nms_pre = self.cfg.get('nms_pre', -1)
        if nms_pre > 0:
            scores, index = scores.topk(topk_count(nms_pre, scores),
                                        sorted=False)
        else:
            index = torch.arange(scores.size(0), device=scores.device)
        prior_index = torch.div(index, num_classes, rounding_mode='floor')
        labels = index % num_classes
        dim = self.bbox_coder.encode_size
        preds = bbox_pred[0].permute(1, 2, 0).reshape(-1, dim)[prior_index]
        priors = self.prior_generator.sparse_priors(
            prior_index, cls_score.shape[-2:], level, dtype=cls_score.dtype,
            device=cls_score.device)
        return scores, labels, priors, preds

    def _decode(self, priors: Tensor, preds: Tensor,
                max_hw: Tensor) -> Tensor:
        """(K, 4) boxes, clipped to ``[0, W] x [0, H]`` of ``max_hw``
        unless the coder's ``clip_border`` is False."""
        coder = self.bbox_coder
        if isinstance(coder, DeltaXYWHBBoxCoder):
            return decode_deltas(priors.t(), preds.t()[None], coder,
                                 max_hw)[0].t()
        boxes = coder.decode(priors, preds)  # unclipped
        if getattr(coder, 'clip_border', True):
            upper = max_hw.flip(0).repeat(2).to(boxes.dtype)  # W, H, W, H
            boxes = torch.minimum(boxes.clamp(min=0), upper)
        return boxes


class DenseHeadDetectionGraph(nn.Module):
    """One image through a single-stage detector, as ``model.test_step``
    does it (without the final rescale to the original image size).

    ``forward(image)`` takes the image as the data preprocessor receives it
    (1, C, H, W), uint8 or float, and returns
    :data:`~qmimic_mm.deployment.DETECTOR_OUTPUT_NAMES`. The stages are
    submodules (``/preprocess``, ``/network``, ``/detections`` in the
    exported node names).

    Args:
        detector (nn.Module): An mmdet single-stage detector with a
            supported dense head (RTMDet, RetinaNet).
        config (str): Config name for error messages.
        fold_preprocess (bool): Fold the normalisation into the first conv
            of a copy of ``detector`` (see
            :class:`~qmimic_mm.deployment.RFCNDetectionGraph`). Defaults
            to False.

    Example:
        >>> graph = DenseHeadDetectionGraph(model).eval()
        >>> boxes, scores, labels = graph(image[None])
    """

    def __init__(self, detector: nn.Module, config: str = 'model',
                 fold_preprocess: bool = False) -> None:
        super().__init__()
        detector, self.network, self.preprocess = network_and_preprocess(
            detector, lambda d: DenseHeadNetwork(d, config), fold_preprocess)
        self.num_levels = self.network.num_levels
        self.detections = DenseHeadDetections(
            detector.bbox_head,
            check_nms_cfg(detector.test_cfg, 'model.test_cfg', config))

    def forward(self, image: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """Detections (boxes, scores, labels) of one (1, C, H, W) image."""
        max_hw = image_size(image)
        maps = self.network(self.preprocess(image))
        levels = self.num_levels
        return self.detections(maps[:levels], maps[levels:], max_hw)
