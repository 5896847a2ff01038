"""Comparing two detectors' detections of one image, up to their order.

Two runtimes (PyTorch, ONNX Runtime) round the convolutions differently,
by ~1e-5 of the maps. Scores that differ by less than that swap places in
the score order, and the NMS may then keep one box instead of its near-
twin, or the ``max_per_img`` cut falls on another box of nearly the same
score. Index-by-index differences then read hundreds of pixels for lists
that hold the same detections. The functions here pair each detection
with its nearest one of the same label in the other list instead.
"""
from typing import Any, Tuple

import torch

#: Stated tolerance of an exported detector against PyTorch: a detection
#: has a twin if the other list has one with the same label, every box
#: coordinate within ``box`` pixels and the score within ``score``.
#: Measured (docs/en/user_guides/deployment.md): ~1e-3 px and ~4e-5 for
#: the one-stage students, random weights, 160x224 to 384x512.
TOLERANCE = dict(box=1e-2, score=1e-4)


def _pairs(a: Any, b: Any) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per detection of ``a``: the L-inf box distance to its nearest
    same-label detection of ``b`` and their score difference (inf when
    ``b`` has none of that label)."""
    box = (a.bboxes[:, None].double() - b.bboxes[None].double()).abs()
    box = box.amax(-1)
    box = torch.where(a.labels[:, None] == b.labels[None], box,
                      box.new_tensor(float('inf')))
    dist, index = box.min(1)
    score = (a.scores.double() - b.scores[index].double()).abs()
    return dist, torch.where(dist.isinf(), dist, score)


def paired_difference(a: Any, b: Any) -> Tuple[float, float]:
    """Largest box (px) and score difference between the detections
    (``InstanceData`` with ``bboxes``, ``scores``, ``labels``) of ``a``
    and ``b``, each paired with its nearest same-label detection in the
    other list, both ways; (0, 0) if both are empty, inf if one is."""
    if len(a) == 0 or len(b) == 0:
        return (0., 0.) if len(a) == len(b) else (float('inf'),) * 2
    ab, ba = _pairs(a, b), _pairs(b, a)
    return (float(max(ab[0].max(), ba[0].max())),
            float(max(ab[1].max(), ba[1].max())))


def matched_share(a: Any, b: Any, box_tol: float = TOLERANCE['box'],
                  score_tol: float = TOLERANCE['score']) -> float:
    """Share of the detections of ``a`` that have a twin in ``b``: the
    same label, every box coordinate within ``box_tol`` and the score
    within ``score_tol`` (1 if ``a`` is empty)."""
    if len(a) == 0:
        return 1.
    if len(b) == 0:
        return 0.
    box = (a.bboxes[:, None] - b.bboxes[None]).abs().amax(-1)
    score = (a.scores[:, None] - b.scores[None]).abs()
    same = ((box < box_tol) & (score < score_tol) &
            (a.labels[:, None] == b.labels[None]))
    return float(same.any(1).float().mean())
