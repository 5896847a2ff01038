"""A whole R-FCN detector, image in, detections out, as one exportable graph.

:class:`RFCNDetectionGraph` is what ``tools/test.py`` runs for one image --
the data preprocessor, the network, the RPN's proposals, PS-RoI pooling and
voting, box decoding and the final NMS -- written with traceable ops only,
so that ``torch.onnx.export`` turns it into a graph of standard ONNX ops
(:func:`~qmimic_mm.deployment.export_onnx`). Deployed, the detector then
needs nothing but ONNX Runtime: no PyTorch, mmcv or mmdet on the device,
and no Python between the parts.

Each step uses the detector's own modules and test config; three are
rewritten here because their mmdet versions do not trace:
- the data preprocessor (``stack_batch`` pads with Python sizes);
- ``DeltaXYWHBBoxCoder.decode`` (its ONNX branch imports a module that
  mmdet 3 no longer has): :func:`decode_deltas` repeats mmdet's
  ``delta2bbox`` arithmetic, clipping against the traced image size;
- the NMS (mmcv's op): :func:`~qmimic_mm.deployment.onnx_nms.onnx_nms`
  becomes ONNX's ``NonMaxSuppression``, which stops at ``max_per_img``.
"""
import copy
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmdet.models.task_modules.prior_generators import AnchorGenerator
from mmdet.structures.bbox import scale_boxes
from mmengine.structures import InstanceData
from torch import Tensor, nn

from qmimic_mm.utils import UserInputError

from .dense_rfcn import DenseRFCN
from .onnx_nms import onnx_nms
from .preprocess_folding import divisor_padding, fold_into_first_conv

#: Outputs of the exported detector graph, in order: (M, 4) boxes in the
#: input image's pixels, (M,) scores and (M,) int64 labels, by score.
DETECTOR_OUTPUT_NAMES = ('boxes', 'scores', 'labels')

#: (node name prefix, part) of :class:`RFCNDetectionGraph`'s exported
#: nodes, most specific first; the part names are those of
#: ``qmimic_mm.analysis.stage_profiler.INFERENCE_PARTS``.
GRAPH_PARTS = (
    ('/preprocess/', 'preprocess'),
    ('/network/backbone/', 'backbone'),
    ('/network/neck/', 'backbone'),
    ('/network/rpn_head/', 'RPN head'),
    ('/network/', 'R-FCN score maps'),
    ('/proposals/', 'proposals (decode + NMS)'),
    ('/detections/scoring/ps_roi_pool/', 'RoI pooling (PS-RoI / RoIAlign)'),
    ('/detections/scoring/', 'R-FCN voting / RoI head'),
    ('/detections/', 'box decoding + NMS'),
)


def image_size(image: Tensor) -> Tensor:
    """(2,) float ``[height, width]`` of a (N, C, H, W) image, kept a
    tensor so that the exported graph reads it at run time."""
    # _shape_as_tensor lives on the CPU: move it to the image's device
    return torch._shape_as_tensor(image)[2:].to(image.device, torch.float32)


def decode_deltas(rois: Tensor, deltas: Tensor, coder: nn.Module,
                  max_hw: Tensor) -> Tensor:
    """mmdet's ``delta2bbox`` (Ren et al. 2015, Eq. 2 inverted),
    coordinate-major: (4, K) ``rois`` (rows x1, y1, x2, y2) and (C, 4, K)
    ``deltas`` (rows dx, dy, dw, dh per class) give (C, 4, K) boxes,
    clipped to ``[0, W] x [0, H]`` of ``max_hw``.

    Same float operations in the same order as
    ``DeltaXYWHBBoxCoder.decode`` (tested equal), with the clipping done by
    ``maximum`` / ``minimum`` against a tensor instead of in-place
    ``clamp_`` against Python numbers, and the ``exp`` in float64. The
    layout is the point: every operand is a row of K values, where the
    box-major (K, 4) layout makes ONNX Runtime broadcast 4-wide spans one
    at a time (~9x slower per op).
    """
    if getattr(coder, 'add_ctr_clamp', False):
        raise UserInputError('bbox_coder.add_ctr_clamp=True is not supported '
                             'by the ONNX detector graph')
    means, stds = list(coder.means), list(coder.stds)
    if means != [0.] * 4 or stds != [1.] * 4:  # x * 1 + 0 is x
        deltas = (deltas * deltas.new_tensor(stds).view(1, 4, 1)
                  + deltas.new_tensor(means).view(1, 4, 1))
    dxy, dwh = deltas[:, :2], deltas[:, 2:]
    pxy = (rois[:2] + rois[2:]) * 0.5
    pwh = rois[2:] - rois[:2]
    max_ratio = float(np.abs(np.log(16 / 1000)))
    dwh = dwh.clamp(min=-max_ratio, max=max_ratio)
    gxy = pxy + pwh * dxy
    # exp in float64, rounded: equals PyTorch's float32 exp in 99% of
    # values (ONNX Runtime's float32 Exp: 93%), so boxes differ less
    gwh = pwh * dwh.double().exp().float()
    boxes = torch.cat([gxy - gwh * 0.5, gxy + gwh * 0.5], dim=1)
    if getattr(coder, 'clip_border', True):
        upper = max_hw.flip(0).repeat(2).to(boxes.dtype)  # W, H, W, H
        boxes = torch.minimum(boxes.clamp(min=0), upper.view(1, 4, 1))
    return boxes


def check_nms_cfg(cfg: dict, path: str, config: str) -> dict:
    """``cfg`` (the test config at ``path``, e.g. ``'model.test_cfg.rpn'``),
    checked to have an NMS the graph has."""
    nms = dict((cfg or {}).get('nms') or {})
    if nms.get('type', 'nms') != 'nms' or set(nms) - {
            'type', 'iou_threshold', 'class_agnostic', 'split_thr'}:
        raise UserInputError(
            f'{config}: {path}.nms={nms} has no ONNX form; the '
            "exported graph supports dict(type='nms', iou_threshold=...)")
    return cfg


def topk_count(k: int, scores: Tensor):
    """``min(k, len(scores))``; a tensor while exporting, so that the
    graph's ``TopK`` follows the number of scores."""
    if torch.onnx.is_in_onnx_export():
        return torch.clamp(torch._shape_as_tensor(scores)[0], max=k)
    return min(k, scores.size(0))


def max_num(cfg: dict) -> int:
    """``max_per_img`` of a test config (no limit: the largest int32)."""
    max_num = cfg.get('max_per_img', -1)
    return int(max_num) if max_num and max_num > 0 else 2**31 - 1


class ImagePreprocess(nn.Module):
    """mmdet's ``DetDataPreprocessor`` for one (1, C, H, W) image: float,
    channel swap, normalisation, zero padding to ``pad_size_divisor``
    (``stack_batch``, which pads with Python sizes and does not trace).

    Args:
        data_preprocessor (nn.Module): The detector's preprocessor.
    """

    def __init__(self, data_preprocessor: nn.Module) -> None:
        super().__init__()
        pre = data_preprocessor
        self.swap_channels = bool(getattr(pre, '_channel_conversion', False))
        self.normalize = bool(getattr(pre, '_enable_normalize', False))
        if self.normalize:
            self.register_buffer('mean', pre.mean.clone(), persistent=False)
            self.register_buffer('std', pre.std.clone(), persistent=False)
        self.pad_divisor = int(getattr(pre, 'pad_size_divisor', 1))
        self.pad_value = float(getattr(pre, 'pad_value', 0))

    def forward(self, image: Tensor) -> Tensor:
        inputs = image.float()
        if self.swap_channels:
            inputs = inputs.flip(1)
        if self.normalize:
            inputs = (inputs - self.mean) / self.std
        if self.pad_divisor > 1:
            pad = divisor_padding(inputs, self.pad_divisor)
            inputs = F.pad(inputs, (0, pad[1], 0, pad[0]),
                           value=self.pad_value)
        return inputs


def network_and_preprocess(detector: nn.Module,
                           make_network: Callable[[nn.Module], nn.Module],
                           fold_preprocess: bool
                           ) -> Tuple[nn.Module, nn.Module, nn.Module]:
    """The convolutions and the preprocessing of a detector graph.

    With ``fold_preprocess`` the normalisation goes into the first conv of
    a copy of ``detector`` (the fold rewrites a conv: not the caller's),
    where the fold applies.

    Returns:
        tuple: The detector the graph reads (the copy when folding), the
        network ``make_network(detector)`` and the preprocessing.
    """
    if fold_preprocess:
        detector = copy.deepcopy(detector)
    network = make_network(detector)
    preprocess = ImagePreprocess(detector.data_preprocessor)
    if fold_preprocess:
        preprocess = fold_into_first_conv(network, preprocess) or preprocess
    return detector, network, preprocess


class RPNProposals(nn.Module):
    """The proposals of ``RPNHead.predict_by_feat`` for one image and one
    level: the top ``nms_pre`` anchors by objectness, decoded and clipped,
    boxes not larger than ``min_bbox_size`` dropped, NMS, the first
    ``max_per_img`` kept (R-FCN test: 6000 -> 300).

    Args:
        rpn_head (nn.Module): The detector's ``RPNHead``.
        cfg (dict): ``model.test_cfg.rpn``.
    """

    def __init__(self, rpn_head: nn.Module, cfg: dict) -> None:
        super().__init__()
        self.use_sigmoid = bool(rpn_head.use_sigmoid_cls)
        self.cls_channels = int(rpn_head.cls_out_channels)
        self.prior_generator = rpn_head.prior_generator
        self.bbox_coder = rpn_head.bbox_coder
        self.cfg = cfg

    def forward(self, rpn_cls: Tensor, rpn_reg: Tensor,
                max_hw: Tensor) -> Tensor:
        """(K, 4) proposals from the (1, A, h, w) objectness and the
        (1, 4A, h, w) deltas of one image of size ``max_hw``.

        Anchor ``i`` is mmdet's: location ``i // A`` (row-major), base
        anchor ``i % A``. Only the ``nms_pre`` kept anchors are built and
        gathered, coordinate-major (:func:`decode_deltas`), straight from
        the conv's (4A, h*w) layout.
        """
        scores = rpn_cls[0].permute(1, 2, 0).reshape(-1, self.cls_channels)
        scores = (scores.sigmoid() if self.use_sigmoid else
                  scores.softmax(-1)[:, :-1]).reshape(-1)
        nms_pre = self.cfg.get('nms_pre', -1)
        if nms_pre > 0:
            # unsorted: the NMS orders by score itself (ONNX Runtime's
            # TopK is ~4x faster so)
            scores, index = scores.topk(topk_count(nms_pre, scores),
                                        sorted=False)
        else:
            index = torch.arange(scores.size(0), device=scores.device)
        num_base = rpn_cls.size(1) // self.cls_channels
        location, base = index // num_base, index % num_base
        hw = rpn_reg.size(2) * rpn_reg.size(3)
        # channel a*4 + c of the reg map holds coordinate c of base anchor
        # a; torch.gather, not indexing: ONNX GatherElements picks single
        # numbers ~30x faster than Gather does
        rows = torch.arange(4, device=index.device)[:, None]
        flat = ((base * 4 + rows) * hw + location).view(1, -1)
        deltas = rpn_reg.reshape(1, -1).gather(1, flat).view(4, -1)
        priors = self._priors(rpn_cls, location, base, index)
        boxes = decode_deltas(priors, deltas[None], self.bbox_coder,
                              max_hw)[0]  # (4, K)
        min_size = self.cfg.get('min_bbox_size', -1)
        score_floor = float('-inf')
        if min_size >= 0:  # dropped boxes take no part in the NMS
            wh = boxes[2:] - boxes[:2]
            valid = (wh[0] > min_size) & (wh[1] > min_size)
            scores = torch.where(valid, scores, scores.new_tensor(-1.))
            score_floor = -0.5
        boxes = boxes.t()  # (K, 4), as the NMS takes them
        keep = onnx_nms(boxes, scores,
                        self.cfg.nms.get('iou_threshold', 0.7), score_floor,
                        max_num(self.cfg))
        return boxes[keep]

    def _priors(self, rpn_cls: Tensor, location: Tensor, base: Tensor,
                index: Tensor) -> Tensor:
        """(4, K) anchors of the kept ``index``: mmdet's
        ``single_level_grid_priors`` (base anchor + stride * cell, the same
        float ops) for these anchors only; any other prior generator
        builds all priors and picks."""
        gen = self.prior_generator
        if type(gen) is not AnchorGenerator:
            return gen.single_level_grid_priors(
                rpn_cls.shape[-2:], 0, dtype=rpn_cls.dtype,
                device=rpn_cls.device)[index].t()
        width = rpn_cls.size(3)
        stride_w, stride_h = gen.strides[0]
        shift_x = (location % width).to(rpn_cls.dtype) * stride_w
        shift_y = (location // width).to(rpn_cls.dtype) * stride_h
        base_anchors = gen.base_anchors[0].to(rpn_cls).t()  # (4, A)
        return base_anchors.gather(1, base.expand(4, -1)) + torch.stack(
            [shift_x, shift_y, shift_x, shift_y])


class RoIScoring(nn.Module):
    """The bbox head's PS-RoI pooling and voting (``forward_rois``) as a
    module of its own, so that its nodes are named ``.../scoring/...``.

    Args:
        bbox_head (nn.Module): The detector's
            :class:`~qmimic_mm.models.RFCNBBoxHead`.
    """

    def __init__(self, bbox_head: nn.Module) -> None:
        super().__init__()
        self.bbox_head = bbox_head

    def forward(self, cls_maps: Tensor, reg_maps: Tensor,
                rois: Tensor) -> Tuple[Tensor, Tensor]:
        return self.bbox_head.forward_rois(cls_maps, reg_maps, rois)


class RFCNDetections(nn.Module):
    """R-FCN's detections for one image's proposals: PS-RoI pooling and
    voting, class scores, box decoding, and mmdet's ``multiclass_nms``
    (``score_thr``, per-class NMS, the best ``max_per_img``).

    Args:
        bbox_head (nn.Module): The detector's
            :class:`~qmimic_mm.models.RFCNBBoxHead`.
        cfg (dict): ``model.test_cfg.rcnn``.
    """

    def __init__(self, bbox_head: nn.Module, cfg: dict) -> None:
        super().__init__()
        self.scoring = RoIScoring(bbox_head)
        self.cfg = cfg

    def forward(self, cls_maps: Tensor, reg_maps: Tensor, proposals: Tensor,
                max_hw: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        head, cfg = self.scoring.bbox_head, self.cfg
        rois = torch.cat([proposals.new_zeros(proposals.size(0), 1),
                          proposals], 1)
        cls_score, bbox_pred = self.scoring(cls_maps, reg_maps, rois)
        scores = (head.loss_cls.get_activation(cls_score)
                  if head.custom_cls_channels else cls_score.softmax(-1))
        scores = scores[:, :-1]  # drop the background column
        num_classes = scores.size(1)
        deltas = bbox_pred.reshape(bbox_pred.size(0), -1, 4).permute(1, 2, 0)
        boxes = decode_deltas(proposals.t(), deltas, head.bbox_coder,
                              max_hw).permute(2, 0, 1)  # (K, 1 or C, 4)
        boxes = boxes.expand(-1, num_classes, 4).reshape(-1, 4)
        scores = scores.reshape(-1)
        labels = torch.arange(num_classes, device=scores.device).repeat(
            proposals.size(0))
        boxes_for_nms = boxes
        if num_classes > 1 and not cfg.nms.get('class_agnostic', False):
            # classes apart, as mmcv's batched_nms does
            offsets = labels.to(boxes) * (boxes.max() + 1)
            boxes_for_nms = boxes + offsets[:, None]
        keep = onnx_nms(boxes_for_nms, scores, cfg.nms.iou_threshold,
                        cfg.score_thr, max_num(cfg))
        return boxes[keep], scores[keep], labels[keep]


class RFCNDetectionGraph(nn.Module):
    """One image through an R-FCN detector, as ``model.test_step`` does it
    (without the final rescale to the original image size).

    ``forward(image)`` takes the image as the data preprocessor receives it
    (1, C, H, W), uint8 or float, before normalisation and padding, and
    returns :data:`DETECTOR_OUTPUT_NAMES`. The stages are submodules, so
    the exported graph's node names start with their names (``/preprocess``,
    ``/network/backbone``, ``/proposals``, ``/detections/scoring``, ...),
    which is how ``profile_detector.py --runtime onnxruntime`` splits the
    time (:data:`GRAPH_PARTS`).
    ``model.test_cfg.rpn`` and ``.rcnn`` give the proposal count, the NMS
    thresholds and the score threshold.

    Args:
        detector (nn.Module): An mmdet two-stage detector with an
            :class:`~qmimic_mm.models.RFCNRoIHead` and a one-level RPN.
        config (str): Config name for error messages.
        fold_preprocess (bool): Fold the normalisation into the first conv
            of a copy of ``detector``
            (:func:`~qmimic_mm.deployment.preprocess_folding.
            fold_into_first_conv`): faster, equal to float rounding instead of
            bit for bit. Defaults to False.

    Example:
        >>> graph = RFCNDetectionGraph(model).eval()
        >>> boxes, scores, labels = graph(image[None])
    """

    def __init__(self, detector: nn.Module, config: str = 'model',
                 fold_preprocess: bool = False) -> None:
        super().__init__()
        detector, self.network, self.preprocess = network_and_preprocess(
            detector, lambda d: DenseRFCN(d, config), fold_preprocess)
        test_cfg = detector.test_cfg or {}
        self.proposals = RPNProposals(
            detector.rpn_head,
            check_nms_cfg(test_cfg.get('rpn'), 'model.test_cfg.rpn', config))
        self.detections = RFCNDetections(
            detector.roi_head.bbox_head,
            check_nms_cfg(test_cfg.get('rcnn'), 'model.test_cfg.rcnn',
                          config))

    def forward(self, image: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """Detections (boxes, scores, labels) of one (1, C, H, W) image."""
        max_hw = image_size(image)
        rpn_cls, rpn_reg, cls_maps, reg_maps = self.network(
            self.preprocess(image))
        proposals = self.proposals(rpn_cls, rpn_reg, max_hw)
        return self.detections(cls_maps, reg_maps, proposals, max_hw)


def detect_per_image(detector: nn.Module, data: Dict[str, Any],
                     detect: Callable[[Tensor], Tuple[Tensor, ...]]
                     ) -> List[Any]:
    """``model.test_step`` for a dataloader batch, one image at a time
    through ``detect`` (a runner of :class:`RFCNDetectionGraph`: (C, H, W)
    image -> boxes, scores, labels). Boxes are scaled back to the original
    image (divided by the sample's ``scale_factor``, ``(w, h)`` as mmdet's
    ``Resize`` stores it, the rescale of ``model.test_step``)."""
    samples = data['data_samples']
    results = []
    for image, sample in zip(data['inputs'], samples):
        boxes, scores, labels = detect(image)
        scale_factor = sample.metainfo.get('scale_factor', (1., 1.))
        if tuple(scale_factor) != (1., 1.):
            boxes = scale_boxes(boxes, [1 / s for s in scale_factor])
        results.append(InstanceData(bboxes=boxes, scores=scores,
                                    labels=labels))
    return detector.add_pred_to_datasample(samples, results)
