"""The paired bootstrap of WIDER AP over test images
(qmimic_mm.wider.bootstrap) against hand-computed values and against
qmimic_mm.wider.evaluate_wider."""
import numpy as np
import pytest

from qmimic_mm.wider import (WIDER_SETTINGS, WiderGroundTruth,
                             WiderImageGroundTruth, evaluate_wider)
from qmimic_mm.wider.bootstrap import (image_counts, paired_bootstrap,
                                       resample_weights, weighted_ap)

FACE_A, FACE_B = [10, 10, 30, 30], [50, 50, 30, 30]
ELSEWHERE = [150, 150, 20, 20]


def _gt(names=('a', 'b')) -> WiderGroundTruth:
    """One face per image, counted in every setting."""
    face = {'a': FACE_A, 'b': FACE_B}
    return WiderGroundTruth({'e': {
        n: WiderImageGroundTruth(
            np.array([face[n[0]]], np.int64),
            {s: np.array([0], np.int64) for s in WIDER_SETTINGS})
        for n in names
    }})


#: Detector a finds image a's face (0.9) and fires elsewhere on b (0.8);
#: detector b the other way round.
DET_A = {'e': {'a': np.array([FACE_A + [0.9]], float),
               'b': np.array([ELSEWHERE + [0.8]], float)}}
DET_B = {'e': {'a': np.array([ELSEWHERE + [0.8]], float),
               'b': np.array([FACE_B + [0.9]], float)}}


def test_weighted_ap_on_hand_values():
    """Full set: the TP passes the thresholds first (precision 1 at recall
    1/2), then the FP: AP 0.5. Image a drawn twice: 2 of 2 faces at
    precision 1, AP 1. Image b twice: no hit, AP 0."""
    counts = image_counts(DET_A, _gt())
    ap = weighted_ap(counts, np.array([[1, 1], [2, 0], [0, 2]]))
    for setting in WIDER_SETTINGS:
        assert ap[setting] == pytest.approx([0.5, 1.0, 0.0], abs=1e-12)
        assert evaluate_wider(DET_A, _gt())[setting] == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r'weights must be \(R, 2\)'):
        weighted_ap(counts, np.ones((1, 3)))


def test_a_resample_is_the_evaluation_of_the_resampled_set():
    """Weights (2, 1, 0) equal evaluate_wider on a ground truth holding the
    first image twice, the second once (the score range is kept)."""
    rng = np.random.default_rng(3)
    names = ('a0', 'a1', 'b2')
    gt = _gt(names)
    preds = {'e': {}}
    for name in names:
        face = FACE_A if name[0] == 'a' else FACE_B
        jitter = rng.integers(-8, 8, size=(4, 4)) + np.array(face)
        scores = rng.uniform(0.2, 0.9, size=(4, 1))
        preds['e'][name] = np.hstack([jitter, scores]).astype(float)
    preds['e']['a1'][0, 4] = 0.1  # the min and max stay in the resample
    preds['e']['a0'][0, 4] = 0.95
    weights = np.array([[2, 1, 0], [1, 1, 1]])
    ap = weighted_ap(image_counts(preds, gt), weights)
    dup = _gt(('a0', 'a0x', 'a1'))
    dup_preds = {'e': {'a0': preds['e']['a0'], 'a0x': preds['e']['a0'],
                       'a1': preds['e']['a1']}}
    expect_dup = evaluate_wider(dup_preds, dup)
    expect_all = evaluate_wider(preds, gt)
    for setting in WIDER_SETTINGS:
        assert ap[setting][0] == pytest.approx(expect_dup[setting],
                                               abs=1e-12)
        assert ap[setting][1] == pytest.approx(expect_all[setting],
                                               abs=1e-12)


def test_paired_bootstrap_on_hand_values():
    """Two images: the resample (2, 0) gives a - b = 1 - 0, (1, 1) gives 0,
    (0, 2) gives -1; with probabilities 1/4, 1/2, 1/4 the 95% percentile
    interval of 1000 resamples is [-1, 1]."""
    gt = _gt()
    ca, cb = image_counts(DET_A, gt), image_counts(DET_B, gt)
    result = paired_bootstrap(ca, cb, resamples=1000, seed=0)
    weights = resample_weights(2, 1000, seed=0)
    hand = weights[:, 0] - 1.0  # (2,0) -> +1, (1,1) -> 0, (0,2) -> -1
    assert sorted(set(hand)) == [-1.0, 0.0, 1.0]
    for setting in WIDER_SETTINGS:
        interval = result[setting]
        assert interval.diff == pytest.approx(0.0)
        assert (interval.low, interval.high) == (-1.0, 1.0)
        assert (interval.low, interval.high) == tuple(
            np.percentile(hand, [2.5, 97.5]))
        assert interval.resamples == 1000
    # the same seed, the same interval; a one-sided pair moves it
    assert paired_bootstrap(ca, cb, resamples=1000, seed=0) == result
    better = paired_bootstrap(ca, image_counts({}, gt), resamples=200)
    assert better['easy'].diff == pytest.approx(0.5)
    assert better['easy'].low == pytest.approx(0.0)  # b drawn twice: 0 - 0
    assert better['easy'].high == pytest.approx(1.0)
    with pytest.raises(ValueError, match='different image sets'):
        paired_bootstrap(ca, image_counts(DET_A, _gt(('a', 'b', 'a2'))))
