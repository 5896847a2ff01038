"""Greedy NMS that stops once ``max_num`` boxes are kept.

R-FCN's test-time RPN (py-R-FCN ``RPN_PRE_NMS_TOP_N = 6000``,
``RPN_POST_NMS_TOP_N = 300``; the configs' ``test_cfg.rpn``) runs NMS over
6000 boxes and then keeps the first 300 survivors. mmcv's CPU kernel finishes
the whole greedy pass first: every kept box is compared with every later
box, so most of the work suppresses boxes that are thrown away anyway.

Greedy NMS visits boxes in score order and keeps a box iff no *kept* box
before it overlaps it by more than the threshold. So the boxes can be
visited chunk by chunk: a box of the next chunk overlapping a box kept so
far is suppressed (one vectorised IoU test), and greedy NMS among the rest
of the chunk (mmcv's kernel) decides the others. :func:`capped_nms` stops
after the chunk that completes ``max_num`` kept boxes.

Exactness: the visiting order is ``scores.sort(descending=True)``, the call
mmcv's kernel makes; chunks are handed to the kernel with strictly
decreasing stand-in scores, so that its own sort cannot reorder ties; the
vectorised IoU repeats the kernel's float32 operations in its order
(``inter / (area_i + area_j - inter) > thr``). Tests compare the result with
``mmcv.ops.nms`` on random and real RPN boxes.
"""
import torch
from mmcv.ops import nms
from torch import Tensor

#: Boxes visited per chunk, in multiples of ``max_num``.
CHUNK = 2


def _suppressed(kept: Tensor, kept_areas: Tensor, boxes: Tensor,
                areas: Tensor, thr: Tensor, offset: int) -> Tensor:
    """(len(boxes),) bool: overlaps some kept box by more than ``thr``,
    with mmcv ``nms_cpu``'s float32 arithmetic (``i`` kept, ``j`` later)."""
    xx1 = torch.maximum(kept[:, None, 0], boxes[None, :, 0])
    yy1 = torch.maximum(kept[:, None, 1], boxes[None, :, 1])
    xx2 = torch.minimum(kept[:, None, 2], boxes[None, :, 2])
    yy2 = torch.minimum(kept[:, None, 3], boxes[None, :, 3])
    w = (xx2 - xx1 + offset).clamp_(min=0)
    h = (yy2 - yy1 + offset).clamp_(min=0)
    inter = w * h
    ovr = inter / (kept_areas[:, None] + areas[None, :] - inter)
    return (ovr > thr).any(0)


def capped_nms(boxes: Tensor,
               scores: Tensor,
               iou_threshold: float,
               max_num: int,
               offset: int = 0) -> Tensor:
    """Indices of the first ``max_num`` boxes greedy NMS keeps.

    Equal to ``mmcv.ops.nms(boxes, scores, iou_threshold, offset=offset)[1]
    [:max_num]`` (same order: by descending score).

    Args:
        boxes (Tensor): (N, 4) float32 ``x1, y1, x2, y2``.
        scores (Tensor): (N,) scores.
        iou_threshold (float): A box overlapping a kept box by more than
            this is suppressed.
        max_num (int): How many kept boxes are wanted; ``<= 0`` means all.
        offset (int): 0 or 1, added to widths and heights as mmcv does.
            Defaults to 0.

    Returns:
        Tensor: (min(max_num, #kept),) int64 indices into ``boxes``.
    """
    num = boxes.size(0)
    # On a GPU mmcv's NMS is one kernel over all boxes, while every chunk
    # here costs host syncs: measured on an H200, the chunked pass made the
    # proposals 10.5 of VGG-1-32 R-FCN's 19.3 ms.
    if (max_num <= 0 or num <= CHUNK * max_num
            or boxes.dtype != torch.float32 or not boxes.is_cpu):
        keep = nms(boxes, scores, iou_threshold, offset=offset)[1]
        return keep[:max_num] if max_num > 0 else keep
    order = scores.sort(0, descending=True)[1]
    ordered = boxes[order]
    areas = ((ordered[:, 2] - ordered[:, 0] + offset) *
             (ordered[:, 3] - ordered[:, 1] + offset))
    # strictly decreasing stand-ins (exact in float32 up to 2**24 boxes)
    ranks = -torch.arange(num, dtype=torch.float32, device=boxes.device)
    # the kernel compares float ovr with a float threshold
    thr = torch.tensor(iou_threshold, dtype=torch.float32)
    chunk = CHUNK * max_num
    kept = nms(ordered[:chunk], ranks[:chunk], iou_threshold,
               offset=offset)[1]
    start = chunk
    while kept.numel() < max_num and start < num:
        cand = torch.arange(start, min(start + chunk, num),
                            device=boxes.device)
        cand = cand[~_suppressed(ordered[kept], areas[kept], ordered[cand],
                                 areas[cand], thr, offset)]
        if cand.numel():
            cand = cand[nms(ordered[cand], ranks[cand], iou_threshold,
                            offset=offset)[1]]
            kept = torch.cat([kept, cand])
        start += chunk
    return order[kept[:max_num]]
