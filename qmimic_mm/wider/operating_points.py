"""Operating points on the official WIDER PR curve, as raw detector scores.

The official protocol evaluates at 1000 thresholds on min-max normalised
scores (:func:`~.protocol.evaluate_wider`). Choosing where to cut a
detector's output (for drawing, or for counting "confident" detections)
needs those thresholds back in the detector's own score scale.
"""
from typing import Optional, Tuple

import numpy as np

#: A detection is "confident" at or above the score where the detector
#: reaches this recall on :data:`CONFIDENT_SETTING`. Medium (faces >= 20 px)
#: rather than hard: a 1/32-width student never reaches 50% recall on the
#: 10-20 px faces hard adds (measured on the demo: at most 0.47).
CONFIDENT_RECALL = 0.5
CONFIDENT_SETTING = 'medium'


def _raw_score(result: dict, threshold: float) -> float:
    """A normalised threshold of ``result`` as a detector score."""
    lo, hi = result['score_range']
    return float(lo + threshold * (hi - lo))


def best_f1_point(result: dict, setting: str) -> Tuple[float, float]:
    """The PR point with the highest F1 = 2PR / (P + R).

    Args:
        result: :func:`~.protocol.evaluate_wider` output.
        setting: ``'easy'``, ``'medium'`` or ``'hard'``.

    Returns:
        ``(f1, score)``: the best F1 and the detector score at which it is
        reached (keep detections with ``score >=`` it); ``(0.0, nan)`` when
        no threshold finds a face.
    """
    curve = result['pr_curves'][setting]
    p = np.asarray(curve['precision'], dtype=np.float64)
    r = np.asarray(curve['recall'], dtype=np.float64)
    denom = p + r
    f1 = np.divide(2 * p * r, denom, out=np.zeros_like(p),
                   where=np.isfinite(denom) & (denom > 0))
    if result.get('score_range') is None or not (f1 > 0).any():
        return 0.0, float('nan')
    best = int(np.argmax(f1))  # first maximum: the highest such threshold
    return float(f1[best]), _raw_score(result, curve['thresholds'][best])


def score_at_recall(result: dict, setting: str,
                    recall: float) -> Optional[float]:
    """The highest detector score at which ``recall`` is reached.

    Args:
        result: :func:`~.protocol.evaluate_wider` output.
        setting: ``'easy'``, ``'medium'`` or ``'hard'``.
        recall: Target recall in (0, 1].

    Returns:
        The score (keep detections with ``score >=`` it), or None when the
        detector never reaches ``recall``.

    Raises:
        ValueError: ``recall`` is outside (0, 1].
    """
    if not 0 < recall <= 1:
        raise ValueError(f'recall must be in (0, 1], got {recall}')
    curve = result['pr_curves'][setting]
    reached = np.flatnonzero(np.asarray(curve['recall']) >= recall)
    if result.get('score_range') is None or not len(reached):
        return None
    return _raw_score(result, curve['thresholds'][reached[0]])


def confident_score(result: dict) -> Optional[float]:
    """The score from which detections count as confident
    (:data:`CONFIDENT_RECALL` on :data:`CONFIDENT_SETTING`), None when the
    detector never gets there."""
    return score_at_recall(result, CONFIDENT_SETTING, CONFIDENT_RECALL)
