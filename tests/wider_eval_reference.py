"""Straightforward reference of the official WIDER FACE evaluation.

A literal, loop-by-loop transcription of the protocol in
``shared/docs/wider-eval-protocol.md`` (the official MATLAB ``eval_tools``
and its Python ports): per setting, per image, per prediction, per threshold.
It is slow (about a minute on the full validation set) and exists only as the
trusted baseline that the tests and ``tests/benchmark_wider_eval.py``
compare :func:`qmimic_mm.wider.evaluate_wider` against (test code: it is
not part of the package). It shares nothing with the fast
implementation except the ground-truth container.
"""
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import numpy as np

from qmimic_mm.wider import WiderGroundTruth

_SETTINGS = ('easy', 'medium', 'hard')
_Preds = Dict[str, Dict[str, np.ndarray]]  # preds[event][image] -> (K, 5)


def _sort_by_score(boxes: np.ndarray) -> np.ndarray:
    """Step 1: order the boxes by score, descending (ties keep file order)."""
    rows = [list(map(float, row)) for row in np.asarray(boxes).reshape(-1, 5)]
    rows = sorted(rows, key=lambda row: -row[4])
    return np.array(rows, dtype=np.float64).reshape(-1, 5)


def _normalise_scores(preds: _Preds) -> _Preds:
    """Step 2: one global min-max over every box of the prediction set."""
    max_score = -float('inf')
    min_score = float('inf')
    for images in preds.values():
        for boxes in images.values():
            for row in boxes:
                max_score = max(max_score, row[4])
                min_score = min(min_score, row[4])
    diff = max_score - min_score
    out: _Preds = {}
    for event, images in preds.items():
        out[event] = {}
        for name, boxes in images.items():
            boxes = boxes.copy()
            for k in range(len(boxes)):
                if diff == 0:
                    boxes[k, 4] = float('nan')  # 0/0, as MATLAB gives
                else:
                    boxes[k, 4] = (boxes[k, 4] - min_score) / diff
            out[event][name] = boxes
    return out


def _iou_row(box: Sequence[float], gt_xyxy: List[List[float]]) -> List[float]:
    """IoU of one x1,y1,x2,y2 box with every ground truth, +1 pixel rule."""
    overlaps = [0.0] * len(gt_xyxy)
    box_area = (box[2] - box[0] + 1) * (box[3] - box[1] + 1)
    for n, gt in enumerate(gt_xyxy):
        iw = min(box[2], gt[2]) - max(box[0], gt[0]) + 1
        if iw > 0:
            ih = min(box[3], gt[3]) - max(box[1], gt[1]) + 1
            if ih > 0:
                gt_area = (gt[2] - gt[0] + 1) * (gt[3] - gt[1] + 1)
                union = box_area + gt_area - iw * ih
                overlaps[n] = iw * ih / union
    return overlaps


def _image_eval(pred: np.ndarray, gt: np.ndarray, ignore: np.ndarray,
                iou_thresh: float) -> Tuple[np.ndarray, np.ndarray]:
    """Step 4: greedy matching of one image's sorted boxes."""
    # Plain Python floats: the same IEEE doubles, much faster per element.
    pred_xyxy = [[x, y, x + w, y + h] for x, y, w, h, _ in pred.tolist()]
    gt_xyxy = [[float(x),
                float(y),
                float(x) + float(w),
                float(y) + float(h)] for x, y, w, h in gt.tolist()]
    pred_recall = np.zeros(len(pred))
    recall_list = np.zeros(len(gt))
    proposal_list = np.ones(len(pred))
    for h in range(len(pred)):
        overlaps = _iou_row(pred_xyxy[h], gt_xyxy)
        max_overlap, max_idx = overlaps[0], 0
        for n in range(1, len(overlaps)):
            if overlaps[n] > max_overlap:
                max_overlap, max_idx = overlaps[n], n
        if max_overlap >= iou_thresh:
            if ignore[max_idx] == 0:
                recall_list[max_idx] = -1
                proposal_list[h] = -1
            elif recall_list[max_idx] == 0:
                recall_list[max_idx] = 1
        pred_recall[h] = np.sum(recall_list == 1)
    return pred_recall, proposal_list


def _image_pr(scores: np.ndarray, proposal_list: np.ndarray,
              pred_recall: np.ndarray, num_thresholds: int) -> np.ndarray:
    """Step 5: the image's [proposals, true positives] per threshold."""
    pr = np.zeros((num_thresholds, 2))
    for t in range(1, num_thresholds + 1):
        thr = 1 - t / num_thresholds
        passing = np.where(scores >= thr)[0]
        if len(passing) == 0:
            continue
        r = passing[-1]
        pr[t - 1, 0] = np.sum(proposal_list[:r + 1] == 1)
        pr[t - 1, 1] = pred_recall[r]
    return pr


def _voc_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """Step 7: VOC area AP with sentinels (NaN precision propagates)."""
    mrec = [0.0] + list(recall) + [1.0]
    mpre = [0.0] + list(precision) + [0.0]
    for i in range(len(mpre) - 1, 0, -1):
        mpre[i - 1] = float(np.maximum(mpre[i - 1], mpre[i]))
    ap = 0.0
    for i in range(len(mrec) - 1):
        if mrec[i + 1] != mrec[i]:
            ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1]
    return ap


def evaluate_wider_reference(predictions: Mapping[str, Mapping[str, Any]],
                             ground_truth: WiderGroundTruth,
                             iou_thresh: float = 0.5,
                             num_thresholds: int = 1000) -> dict:
    """Official WIDER FACE easy/medium/hard AP, by the literal loops.

    Args:
        predictions: ``predictions[event][image_name]`` -> ``(K, 5)``
            ``x, y, w, h, score``; missing images have no predictions.
        ground_truth: From :func:`~.wider_eval.load_wider_ground_truth`.
        iou_thresh: IoU for a match (official: 0.5).
        num_thresholds: Number of score thresholds (official: 1000).

    Returns:
        ``{'easy': ap, 'medium': ap, 'hard': ap, 'pr_curves': {setting:
        {'precision', 'recall'}}}``; precision is NaN where no box passes.
    """
    sorted_preds = {
        event: {
            name: _sort_by_score(b)
            for name, b in images.items()
        }
        for event, images in predictions.items()
    }
    preds = _normalise_scores(sorted_preds)
    result: dict = {'pr_curves': {}}
    for setting in _SETTINGS:
        count_face = 0
        pr_curve = np.zeros((num_thresholds, 2))
        for event, images in ground_truth.images.items():
            for name, image_gt in images.items():
                keep = image_gt.keep[setting]
                count_face += len(keep)
                pred = preds.get(event, {}).get(name)
                gt = image_gt.boxes
                if len(gt) == 0 or pred is None or len(pred) == 0:
                    continue
                ignore = np.zeros(len(gt))
                ignore[keep] = 1  # keep is already 0-based
                pred_recall, proposal_list = _image_eval(
                    pred, gt, ignore, iou_thresh)
                pr_curve += _image_pr(pred[:, 4], proposal_list, pred_recall,
                                      num_thresholds)
        with np.errstate(invalid='ignore', divide='ignore'):
            precision = pr_curve[:, 1] / pr_curve[:, 0]
            recall = pr_curve[:, 1] / count_face
        result[setting] = _voc_ap(recall, precision)
        result['pr_curves'][setting] = {
            'precision': precision,
            'recall': recall
        }
    return result
