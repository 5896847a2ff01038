"""MetricThresholdVisualizationHook: the drawing threshold comes from the
evaluation's metrics, with a fallback when the metric is NaN."""
import math
from types import SimpleNamespace

import pytest
from mmdet.visualization import DetLocalVisualizer
from mmengine.logging import MMLogger

from qmimic_mm.engine.hooks import MetricThresholdVisualizationHook
from qmimic_mm.utils.errors import UserInputError

KEY = 'wider/medium_best_f1_thr'


@pytest.fixture(autouse=True)
def visualizer() -> DetLocalVisualizer:
    # mmdet's hook takes the current visualizer when it is built
    return DetLocalVisualizer.get_instance('test_metric_threshold_hook')


def _runner() -> SimpleNamespace:
    # after_test_epoch reads only the logger when nothing is pending
    return SimpleNamespace(
        logger=MMLogger.get_instance('test_metric_threshold_hook'))


def test_threshold_is_read_from_the_metric():
    hook = MetricThresholdVisualizationHook(score_thr_key=KEY, draw=True)
    assert hook.score_thr == pytest.approx(0.3)  # mmdet's default
    hook.after_test_epoch(_runner(), {KEY: 0.0421, 'wider/easy': 0.5})
    assert hook.score_thr == pytest.approx(0.0421)


def test_nan_metric_keeps_the_fixed_threshold():
    hook = MetricThresholdVisualizationHook(score_thr_key=KEY, draw=True,
                                            score_thr=0.25)
    hook.after_test_epoch(_runner(), {KEY: math.nan})
    assert hook.score_thr == pytest.approx(0.25)


def test_unknown_key_names_it_and_the_computed_metrics():
    hook = MetricThresholdVisualizationHook(score_thr_key='wider/f1',
                                            draw=True)
    with pytest.raises(UserInputError) as err:
        hook.after_test_epoch(_runner(), {'wider/easy': 0.5, KEY: 0.1})
    message = str(err.value)
    assert "score_thr_key='wider/f1' is not among the computed metrics" \
        in message
    assert 'wider/easy' in message and KEY in message


def test_without_drawing_nothing_is_read():
    hook = MetricThresholdVisualizationHook(score_thr_key='wider/f1',
                                            draw=False)
    hook.after_test_epoch(_runner(), {})  # no error: draw=False
    assert hook.score_thr == pytest.approx(0.3)
