"""The WIDER FACE easy/medium/hard AP protocol, fast and exact.

Implements the protocol of the official MATLAB ``eval_tools``
(``wider_eval.m``, ``read_pred.m``, ``norm_score.m``, ``evaluation.m``,
``plot/VOCap.m``) as described in ``shared/docs/wider-eval-protocol.md``,
with the same numbers but vectorised:

* the per-image IoU matrix and the greedy max-IoU assignment are computed once
  and shared by the three settings (only ``ignore`` differs between them, and
  it does not influence which ground truth a prediction picks);
* the per-image PR table over 1000 thresholds is a prefix count over the
  image's score-sorted boxes, so the sum over images is a histogram of "first
  threshold each box passes" followed by a cumulative sum.
"""
from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple

import numpy as np

from .format import (WIDER_SETTINGS, WiderGroundTruth, _FlatGroundTruth,
                     _PRED_COLUMNS)


def _voc_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """VOC area AP (``VOCap.m``): sentinels, backward max, sum over steps."""
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    i = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def _thresholds(num_thresholds: int) -> np.ndarray:
    """``thr[t-1] = 1 - t / num_thresholds`` for t = 1..num_thresholds."""
    return 1 - np.arange(1, num_thresholds + 1) / num_thresholds


def _best_gt(pred: np.ndarray, flat: _FlatGroundTruth, lo: int,
             hi: int) -> Tuple[np.ndarray, np.ndarray]:
    """Max IoU and first argmax over an image's gt boxes, per prediction.

    Uses the +1 pixel convention of the official ``bbox_overlaps`` with the
    same float operation order, so the values are bit-identical to it.
    """
    px1, py1 = pred[:, 0:1], pred[:, 1:2]
    px2, py2 = px1 + pred[:, 2:3], py1 + pred[:, 3:4]
    gx1, gy1, gx2, gy2 = (flat.x1[lo:hi], flat.y1[lo:hi], flat.x2[lo:hi],
                          flat.y2[lo:hi])
    iw = np.minimum(px2, gx2)
    iw -= np.maximum(px1, gx1)
    iw += 1
    ih = np.minimum(py2, gy2)
    ih -= np.maximum(py1, gy1)
    ih += 1
    np.maximum(iw, 0, out=iw)
    np.maximum(ih, 0, out=ih)
    inter = np.multiply(iw, ih, out=iw)
    p_area = (px2 - px1 + 1) * (py2 - py1 + 1)
    union = np.add(p_area, flat.area[lo:hi], out=ih)
    union -= inter
    # No overlap -> IoU 0 (a degenerate pair may have union <= 0 there).
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=inter > 0)
    best = iou.argmax(axis=1)
    return iou[np.arange(len(best)), best], best + lo


def _check_boxes(boxes: np.ndarray, event: str, name: str) -> np.ndarray:
    """Validate one image's prediction array as ``(K, 5)`` finite float64."""
    arr = np.asarray(boxes, dtype=np.float64)
    if arr.size == 0:
        return arr.reshape(0, _PRED_COLUMNS)
    if arr.ndim != 2 or arr.shape[1] != _PRED_COLUMNS:
        raise ValueError(f'predictions for {event}/{name}: expected a (K, 5) '
                         f'x, y, w, h, score array, got shape {arr.shape}')
    if not np.isfinite(arr).all():
        raise ValueError(f'predictions for {event}/{name}: non-finite value')
    return arr


@dataclass(frozen=True)
class BoxAssignment:
    """Every predicted box that enters the PR counts, after steps 1-4.

    Boxes are concatenated image by image (ground-truth order), each image's
    in descending score order.

    Attributes:
        first_t: First threshold index each box passes
            (``num_thresholds`` for none).
        best_gt: Index of its max-IoU face in the concatenated ground truth.
        hit: Whether that IoU reaches the match threshold.
        image: Index of its image in ``ground_truth._flat.spans``.
        score_range: ``(min, max)`` of every score (the normalisation), or
            None without boxes.
    """

    first_t: np.ndarray
    best_gt: np.ndarray
    hit: np.ndarray
    image: np.ndarray
    score_range: Optional[Tuple[float, float]]


def assign_boxes(predictions: Mapping[str, Mapping[str, np.ndarray]],
                 ground_truth: WiderGroundTruth,
                 iou_thresh: float = 0.5,
                 num_thresholds: int = 1000) -> BoxAssignment:
    """Steps 1-4 of :func:`evaluate_wider`: sort, normalise, assign.

    The per-setting counting (step 5 on) only reads the result, so a
    resampling of the images (:mod:`.bootstrap`) reuses it.
    """
    if num_thresholds < 1:
        raise ValueError(f'num_thresholds must be >= 1, got {num_thresholds}')
    flat = ground_truth._flat
    # Step 2 needs every box, including images outside the ground truth.
    checked: Dict[str, Dict[str, np.ndarray]] = {}
    all_scores = []
    for event, images in predictions.items():
        checked[event] = {}
        for name, boxes in images.items():
            arr = _check_boxes(boxes, event, name)
            checked[event][name] = arr
            all_scores.append(arr[:, 4])
    scores_all = np.concatenate(all_scores) if all_scores else np.zeros(0)

    # Steps 1, 3, 4 (assignment part): one pass over the images.
    best_iou, best_gt, scores, image = [], [], [], []
    for index, (event, name, lo, hi) in enumerate(flat.spans):
        pred = checked.get(event, {}).get(name)
        if pred is None or pred.shape[0] == 0 or hi == lo:
            continue
        # The order among equal scores cannot change the PR counts: tied
        # boxes pass exactly the same thresholds.
        pred = pred[np.argsort(-pred[:, 4], kind='stable')]
        iou, gt_idx = _best_gt(pred, flat, lo, hi)
        best_iou.append(iou)
        best_gt.append(gt_idx)
        scores.append(pred[:, 4])
        image.append(np.full(len(iou), index, np.int64))

    thresholds = _thresholds(num_thresholds)
    if best_iou:
        best_iou_arr = np.concatenate(best_iou)
        best_gt_arr = np.concatenate(best_gt)
        score_arr = np.concatenate(scores)
        lo_s, hi_s = scores_all.min(), scores_all.max()
        span = hi_s - lo_s
        if span > 0:
            norm = (score_arr - lo_s) / span
            # First threshold index each box passes (score >= thr); the boxes
            # of an image are score sorted, so "passes threshold t" is exactly
            # "is within the prefix r of step 5" and per-image prefix counts
            # summed over images become a histogram + cumsum.
            first_t = num_thresholds - np.searchsorted(
                thresholds[::-1], norm, side='right')
        else:
            first_t = np.full(len(score_arr), num_thresholds)
        hit = best_iou_arr >= iou_thresh
    else:
        best_gt_arr = np.zeros(0, dtype=np.int64)
        first_t = np.zeros(0, dtype=np.int64)
        hit = np.zeros(0, dtype=bool)
    # Maps a normalised threshold t back to a raw score: lo + t * (hi - lo).
    score_range = ((float(scores_all.min()), float(scores_all.max()))
                   if len(scores_all) else None)
    return BoxAssignment(first_t, best_gt_arr, hit,
                         np.concatenate(image) if image else
                         np.zeros(0, np.int64), score_range)


def counted_boxes(boxes: BoxAssignment, ground_truth: WiderGroundTruth,
                  setting: str) -> Tuple[np.ndarray, np.ndarray]:
    """Step 5's two masks for ``setting``.

    Returns:
        ``(proposal, first_tp)``: the boxes that stay in the proposal list
        (a hit on a face the setting does not count drops the box), and the
        first hit of each counted face (it raises the recall by one).
    """
    counts = ground_truth._flat.counted[setting][boxes.best_gt]
    proposal = ~(boxes.hit & ~counts)
    tp_pos = np.flatnonzero(boxes.hit & counts)
    _, first = np.unique(boxes.best_gt[tp_pos], return_index=True)
    first_tp = np.zeros(len(boxes.hit), bool)
    first_tp[tp_pos[first]] = True
    return proposal, first_tp


def evaluate_wider(predictions: Mapping[str, Mapping[str, np.ndarray]],
                   ground_truth: WiderGroundTruth,
                   iou_thresh: float = 0.5,
                   num_thresholds: int = 1000) -> dict:
    """WIDER FACE easy/medium/hard AP, exactly as the official protocol.

    Steps (``evaluation.m``): sort each image's boxes by score (descending);
    min-max normalise scores over every box of ``predictions`` (images absent
    from the ground truth included; the true min and max as ``norm_score.m``,
    whereas a common Python port starts from max 0 / min 1, which differs only
    if every score is < 0 or > 1); greedily assign each box
    to its max-IoU ground truth (+1 pixel IoU); a hit on a face not counted in
    the setting drops the box; PR over ``num_thresholds`` thresholds
    ``1 - t/num_thresholds``; VOC area AP. Ground-truth images without
    predictions still add their faces to the recall denominator.

    Precision is reported as 0 where no box passes a threshold (0/0 in the
    reference; those points never enter the AP). If all scores are equal the
    normalised scores are 0/0 and, as in the official tools, no box passes any
    threshold. A setting counting no face gets AP NaN.

    Args:
        predictions: ``predictions[event][image_name]`` -> ``(K, 5)``
            ``x, y, w, h, score`` (any order); missing images have no boxes.
        ground_truth: From :func:`~.format.load_wider_ground_truth`.
        iou_thresh: IoU for a match (official: 0.5).
        num_thresholds: Number of score thresholds (official: 1000).

    Returns:
        ``{'easy': ap, 'medium': ap, 'hard': ap, 'pr_curves': {setting:
        {'precision', 'recall', 'thresholds'}}, 'score_range': (min, max)
        or None}``; the arrays are indexed by threshold, from the highest
        threshold to 0; ``score_range`` maps the normalised thresholds back
        to the detector's scores (None without boxes).
    """
    boxes = assign_boxes(predictions, ground_truth, iou_thresh,
                         num_thresholds)
    flat = ground_truth._flat
    thresholds = _thresholds(num_thresholds)
    result: dict = {'pr_curves': {}, 'score_range': boxes.score_range}
    first_t = boxes.first_t
    for setting in WIDER_SETTINGS:
        # Boxes whose max-IoU face is not counted leave proposal_list; the
        # first hit of each counted face raises pred_recall by one.
        proposal, first_tp = counted_boxes(boxes, ground_truth, setting)
        n_bins = num_thresholds + 1
        n_prop = np.cumsum(
            np.bincount(first_t[proposal], minlength=n_bins)[:-1])
        n_tp = np.cumsum(
            np.bincount(first_t[first_tp], minlength=n_bins)[:-1])
        n_prop = n_prop.astype(np.float64)
        n_tp = n_tp.astype(np.float64)
        precision = np.divide(n_tp,
                              n_prop,
                              out=np.zeros(num_thresholds),
                              where=n_prop > 0)
        num_faces = flat.num_faces[setting]
        if num_faces:
            recall = n_tp / num_faces
            ap = _voc_ap(recall, precision)
        else:
            recall = np.full(num_thresholds, np.nan)
            ap = float('nan')
        result[setting] = ap
        result['pr_curves'][setting] = {
            'precision': precision,
            'recall': recall,
            'thresholds': thresholds,
        }
    return result
