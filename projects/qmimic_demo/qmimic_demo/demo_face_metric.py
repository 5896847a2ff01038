"""WIDER FACE AP on the demo face set, plus where confident detections land."""
import math
from typing import Any, Dict, List, Mapping

from mmdet.registry import METRICS

from qmimic_mm.evaluation.metrics.wider_face_metric import (Predictions,
                                                            WiderFaceMetric)
from qmimic_mm.wider import (CONFIDENT_RECALL, CONFIDENT_SETTING,
                             confident_score)
from .demo_distractors import load_distractors
from .distractor_share import distractor_share


@METRICS.register_module()
class DemoFaceMetric(WiderFaceMetric):
    """:class:`~qmimic_mm.evaluation.WiderFaceMetric` that also measures the
    demo set's control: ``distractor_share``.

    The demo set pastes non-face patches through the same blending as the
    faces and records where (:mod:`.demo_distractors`). A detector that keys
    on blending artefacts fires on them as readily as on faces, so besides
    the WIDER metrics this returns the share of confident detections (score
    at or above the one reaching 50% recall on medium,
    :func:`~qmimic_mm.wider.confident_score`) that overlap a distractor with
    IoU >= ``iou_thr``; NaN when that recall is never reached.

    Args:
        distractor_file: The split's ``demo_distractors_<split>.json``
            (written by ``tools/dataset_converters/make_demo_faces.py``).
        **kwargs: :class:`~qmimic_mm.evaluation.WiderFaceMetric`'s
            arguments.
    """

    def __init__(self, distractor_file: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Read up front, as the ground truth: a wrong path fails before
        # inference starts.
        self.distractors = load_distractors(distractor_file)

    def summarize(self, result: Mapping[str, Any],
                  preds: Predictions) -> Dict[str, float]:
        """The WIDER metrics and ``distractor_share``."""
        metrics = super().summarize(result, preds)
        thr = confident_score(result)
        metrics['distractor_share'] = (
            math.nan if thr is None else distractor_share(
                preds, self.distractors, thr, self.iou_thr)[0])
        return metrics

    def table_rows(self, metrics: Mapping[str, float],
                   preds: Predictions) -> List[str]:
        """The WIDER table and a line for the distractor share."""
        return super().table_rows(metrics, preds) + [
            f'confident detections (>= {CONFIDENT_RECALL:.0%} recall on '
            f'{CONFIDENT_SETTING}) on distractors: '
            f'{metrics["distractor_share"]:.4f}'
        ]
