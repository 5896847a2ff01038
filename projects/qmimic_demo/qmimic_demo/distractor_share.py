"""How often a face detector's confident detections land on distractors."""
from typing import Mapping, Tuple

import numpy as np


def _iou_xywh(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrix of ``(N, 4)`` and ``(M, 4)`` ``x y w h`` boxes."""
    ax2, ay2 = a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]
    bx2, by2 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    iw = np.clip(np.minimum(ax2[:, None], bx2) -
                 np.maximum(a[:, None, 0], b[:, 0]), 0, None)
    ih = np.clip(np.minimum(ay2[:, None], by2) -
                 np.maximum(a[:, None, 1], b[:, 1]), 0, None)
    inter = iw * ih
    union = (a[:, 2] * a[:, 3])[:, None] + b[:, 2] * b[:, 3] - inter
    return np.divide(inter, union, out=np.zeros_like(inter),
                     where=union > 0)


def distractor_share(predictions: Mapping[str, Mapping[str, np.ndarray]],
                     distractors: Mapping[str, np.ndarray],
                     score_thr: float,
                     iou_thr: float = 0.5) -> Tuple[float, int]:
    """Share of confident detections that sit on a distractor.

    A detection is confident when its score is ``>= score_thr``; it sits on
    a distractor when its IoU with one of the image's distractor boxes is
    ``>= iou_thr`` (the matching rule of the WIDER protocol).

    Args:
        predictions: ``predictions[event][image]`` -> ``(K, 5)``
            ``x y w h score`` (the WIDER prediction layout).
        distractors: ``'<event>/<image>.jpg'`` -> ``(M, 4)`` ``x y w h``
            (:func:`.demo_distractors.load_distractors`).
        score_thr: Confidence threshold.
        iou_thr: Overlap that counts as "on" a distractor.

    Returns:
        ``(share, confident)``: the share (NaN without confident
        detections) and the number of confident detections.
    """
    confident = on_distractor = 0
    for event, images in predictions.items():
        for name, boxes in images.items():
            boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 5)
            boxes = boxes[boxes[:, 4] >= score_thr]
            confident += len(boxes)
            known = distractors.get(f'{event}/{name}.jpg')
            if not len(boxes) or known is None or not len(known):
                continue
            iou = _iou_xywh(boxes[:, :4], np.asarray(known, np.float64))
            on_distractor += int((iou.max(axis=1) >= iou_thr).sum())
    share = on_distractor / confident if confident else float('nan')
    return share, confident
