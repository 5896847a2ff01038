"""Best-F1 and fixed-recall operating points in detector scores, on hand
cases."""
import numpy as np
import pytest

from qmimic_mm.wider import best_f1_point, score_at_recall


def _result(precision, recall, score_range=(0.2, 1.0)) -> dict:
    n = len(precision)
    return {
        'score_range': score_range,
        'pr_curves': {'hard': {
            'precision': np.asarray(precision, float),
            'recall': np.asarray(recall, float),
            'thresholds': 1 - np.arange(1, n + 1) / n}}
    }


def test_best_f1_and_recall_points() -> None:
    # thresholds 0.75, 0.5, 0.25, 0 -> scores 0.8, 0.6, 0.4, 0.2
    result = _result([1.0, 0.8, 0.5, 0.25], [0.25, 0.5, 0.75, 1.0])
    f1, score = best_f1_point(result, 'hard')
    # F1: 0.4, 0.6154, 0.6, 0.4 -> the second point
    assert f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)
    assert score == pytest.approx(0.6)
    assert score_at_recall(result, 'hard', 0.5) == pytest.approx(0.6)
    assert score_at_recall(result, 'hard', 0.7) == pytest.approx(0.4)
    never = _result([1.0, 1.0], [0.1, 0.3])
    assert score_at_recall(never, 'hard', 0.5) is None
    empty = _result([0.0, 0.0], [0.0, 0.0], score_range=None)
    assert best_f1_point(empty, 'hard')[0] == 0.0
    assert np.isnan(best_f1_point(empty, 'hard')[1])
    with pytest.raises(ValueError, match=r'recall must be in \(0, 1\]'):
        score_at_recall(result, 'hard', 1.5)

