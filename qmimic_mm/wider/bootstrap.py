"""A paired bootstrap of WIDER AP over the test images.

Resampling the images with replacement and evaluating both detectors on the
same resample gives the image-sampling part of the uncertainty of their AP
difference: how much the difference would move on another test set drawn
from the same scenes. It says nothing about training noise (seeds).

The protocol's expensive part (sorting, score normalisation, the greedy
max-IoU assignment, :func:`~.protocol.assign_boxes`) runs once per detector;
each image is then reduced to two histograms over the thresholds (boxes in
the proposal list, first hits of counted faces) and a face count, per
setting. A resample is a weight per image (how often it was drawn), and its
PR counts are a weighted sum of those histograms: a sparse product for all
resamples at once.

One approximation against running :func:`~.protocol.evaluate_wider` on each
resampled set: the min-max score normalisation is that of the full set (a
resample's own minimum and maximum would shift the 1000 thresholds
slightly). With every weight 1 the result is :func:`evaluate_wider`'s AP.
"""
from dataclasses import dataclass
from typing import Dict, Mapping, Tuple

import numpy as np
import scipy.sparse

from .format import WIDER_SETTINGS, WiderGroundTruth
from .protocol import assign_boxes, counted_boxes

#: Resamples and RNG seed of :func:`paired_bootstrap`'s default.
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0


@dataclass(frozen=True)
class ImageCounts:
    """One detector's PR counts per image and setting.

    Attributes:
        proposals: Setting -> sparse ``(num_images, num_thresholds)``: boxes
            of each image that first pass each threshold and stay in the
            proposal list.
        first_hits: Setting -> the same for the first hits of counted faces.
        faces: Setting -> ``(num_images,)`` counted faces.
    """

    proposals: Mapping[str, scipy.sparse.csr_matrix]
    first_hits: Mapping[str, scipy.sparse.csr_matrix]
    faces: Mapping[str, np.ndarray]

    @property
    def num_images(self) -> int:
        """Images of the ground truth (the resampled units)."""
        return len(next(iter(self.faces.values())))


def image_counts(predictions: Mapping[str, Mapping[str, np.ndarray]],
                 ground_truth: WiderGroundTruth,
                 iou_thresh: float = 0.5,
                 num_thresholds: int = 1000) -> ImageCounts:
    """Reduce one detector's predictions to per-image PR counts.

    Args:
        predictions: As for :func:`~.protocol.evaluate_wider`.
        ground_truth: The split's ground truth; its images are the units.
        iou_thresh: IoU for a match.
        num_thresholds: Score thresholds of the PR curve.
    """
    boxes = assign_boxes(predictions, ground_truth, iou_thresh,
                         num_thresholds)
    flat = ground_truth._flat
    num_images = len(flat.spans)
    # a box that passes no threshold (first_t == num_thresholds) counts
    # nowhere
    live = boxes.first_t < num_thresholds
    gt_image = np.repeat(np.arange(num_images),
                         [hi - lo for _, _, lo, hi in flat.spans])

    def histogram(mask: np.ndarray) -> scipy.sparse.csr_matrix:
        mask = mask & live
        return scipy.sparse.csr_matrix(
            (np.ones(int(mask.sum())), (boxes.image[mask],
                                        boxes.first_t[mask])),
            shape=(num_images, num_thresholds))

    proposals, first_hits, faces = {}, {}, {}
    for setting in WIDER_SETTINGS:
        proposal, first_tp = counted_boxes(boxes, ground_truth, setting)
        proposals[setting] = histogram(proposal)
        first_hits[setting] = histogram(first_tp)
        faces[setting] = np.bincount(gt_image[flat.counted[setting]],
                                     minlength=num_images).astype(np.float64)
    return ImageCounts(proposals, first_hits, faces)


def _voc_ap_rows(recall: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """VOC area AP of every row (``VOCap.m``): sentinels, backward max, sum
    of recall steps times precision (a zero step adds nothing)."""
    rows = recall.shape[0]
    mrec = np.hstack([np.zeros((rows, 1)), recall, np.ones((rows, 1))])
    mpre = np.hstack([np.zeros((rows, 1)), precision, np.zeros((rows, 1))])
    mpre = np.maximum.accumulate(mpre[:, ::-1], axis=1)[:, ::-1]
    return np.sum(np.diff(mrec, axis=1) * mpre[:, 1:], axis=1)


def weighted_ap(counts: ImageCounts,
                weights: np.ndarray) -> Dict[str, np.ndarray]:
    """AP per setting of each weighting of the images.

    Args:
        counts: From :func:`image_counts`.
        weights: ``(R, num_images)``: how often each image is in each of R
            resamples (all ones: the set itself).

    Returns:
        Setting -> ``(R,)`` AP (NaN where the resample counts no face).
    """
    weights = np.asarray(weights, np.float64)
    if weights.ndim != 2 or weights.shape[1] != counts.num_images:
        raise ValueError(f'weights must be (R, {counts.num_images}), got '
                         f'{weights.shape}')
    out = {}
    for setting in WIDER_SETTINGS:
        # (R, n) @ (n, T), computed as the sparse (T, n) @ (n, R)
        n_prop = np.cumsum(
            (counts.proposals[setting].T @ weights.T).T, axis=1)
        n_tp = np.cumsum((counts.first_hits[setting].T @ weights.T).T, axis=1)
        precision = np.divide(n_tp, n_prop, out=np.zeros_like(n_tp),
                              where=n_prop > 0)
        faces = weights @ counts.faces[setting]
        recall = np.divide(n_tp, faces[:, None], out=np.zeros_like(n_tp),
                           where=faces[:, None] > 0)
        ap = _voc_ap_rows(recall, precision)
        ap[faces <= 0] = np.nan
        out[setting] = ap
    return out


def resample_weights(num_images: int, resamples: int,
                     seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """``(resamples, num_images)`` draw counts: each row draws
    ``num_images`` images with replacement (a multinomial), from a
    ``numpy.random.default_rng(seed)``."""
    if resamples < 1 or num_images < 1:
        raise ValueError(f'need resamples >= 1 and images >= 1, got '
                         f'{resamples} and {num_images}')
    rng = np.random.default_rng(seed)
    return rng.multinomial(num_images, np.full(num_images, 1 / num_images),
                           size=resamples).astype(np.float64)


@dataclass(frozen=True)
class BootstrapInterval:
    """The bootstrap of ``AP(a) - AP(b)`` on one setting.

    Attributes:
        diff: The difference on the full set.
        low: Lower percentile bound of the resampled differences.
        high: Upper percentile bound.
        level: Coverage (0.95: the 2.5th and 97.5th percentiles).
        resamples: Number of resamples.
    """

    diff: float
    low: float
    high: float
    level: float
    resamples: int


def paired_bootstrap(counts_a: ImageCounts,
                     counts_b: ImageCounts,
                     resamples: int = BOOTSTRAP_RESAMPLES,
                     seed: int = BOOTSTRAP_SEED,
                     level: float = 0.95) -> Dict[str, BootstrapInterval]:
    """Percentile interval of ``AP(a) - AP(b)`` per setting, both detectors
    evaluated on the same resamples of the images.

    Args:
        counts_a: Detector a on the split (:func:`image_counts`).
        counts_b: Detector b on the same split.
        resamples: Bootstrap resamples.
        seed: Seed of the resampling RNG (fixed: the report is
            reproducible).
        level: Coverage of the interval.
    """
    if counts_a.num_images != counts_b.num_images:
        raise ValueError(f'the detectors were counted on different image '
                         f'sets ({counts_a.num_images} vs '
                         f'{counts_b.num_images} images)')
    if not 0 < level < 1:
        raise ValueError(f'level must be in (0, 1), got {level}')
    weights = resample_weights(counts_a.num_images, resamples, seed)
    ones = np.ones((1, counts_a.num_images))
    full_a, full_b = weighted_ap(counts_a, ones), weighted_ap(counts_b, ones)
    ap_a, ap_b = weighted_ap(counts_a, weights), weighted_ap(counts_b,
                                                             weights)
    tail = 100 * (1 - level) / 2
    out = {}
    for setting in WIDER_SETTINGS:
        diffs = ap_a[setting] - ap_b[setting]
        diffs = diffs[~np.isnan(diffs)]
        low, high = (np.percentile(diffs, [tail, 100 - tail])
                     if len(diffs) else (np.nan, np.nan))
        out[setting] = BootstrapInterval(
            float(full_a[setting][0] - full_b[setting][0]), float(low),
            float(high), level, resamples)
    return out


def bootstrap_interval(predictions_a: Mapping[str, Mapping[str, np.ndarray]],
                       predictions_b: Mapping[str, Mapping[str, np.ndarray]],
                       ground_truth: WiderGroundTruth,
                       **kwargs) -> Tuple[Dict[str, BootstrapInterval],
                                          ImageCounts, ImageCounts]:
    """:func:`paired_bootstrap` from two detectors' predictions.

    Returns:
        The intervals per setting and both detectors' counts.
    """
    counts_a = image_counts(predictions_a, ground_truth)
    counts_b = image_counts(predictions_b, ground_truth)
    return paired_bootstrap(counts_a, counts_b, **kwargs), counts_a, counts_b
