"""Draw test detections at a score threshold the evaluation itself found."""
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

from mmdet.engine.hooks import DetVisualizationHook
from mmdet.registry import HOOKS
from mmengine.runner import Runner

from qmimic_mm.utils.errors import UserInputError


@HOOKS.register_module()
class MetricThresholdVisualizationHook(DetVisualizationHook):
    """mmdet's ``DetVisualizationHook`` with a threshold taken from a metric.

    A fixed ``score_thr`` (mmdet's default 0.3) is wrong for detectors whose
    scores live on another scale: a tiny student may never score 0.3 and
    then every drawn panel is empty although its AP is far from 0. With
    ``score_thr_key`` set, the hook keeps the test outputs, waits for the
    evaluation, reads the threshold from the named metric (e.g.
    ``'wider/medium_best_f1_thr'``, the score at the best F1 of the PR curve,
    from :class:`~qmimic_mm.evaluation.WiderFaceMetric`) and then draws
    every image with it. Without ``score_thr_key`` it is mmdet's hook.

    Args:
        score_thr_key: Metric whose value is the drawing threshold; None
            keeps the fixed ``score_thr``.
        **kwargs: ``DetVisualizationHook`` arguments (``draw``,
            ``score_thr``, ``test_out_dir``, ...).
    """

    def __init__(self, score_thr_key: Optional[str] = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.score_thr_key = score_thr_key
        self._pending: List[Tuple[int, Sequence[Any]]] = []

    def after_test_iter(self, runner: Runner, batch_idx: int,
                        data_batch: dict, outputs: Sequence[Any]) -> None:
        """Draw now (fixed threshold) or keep the outputs for later."""
        if self.score_thr_key is None:
            super().after_test_iter(runner, batch_idx, data_batch, outputs)
        elif self.draw:
            # Predictions only: the image is read again when drawn.
            self._pending.append((batch_idx, [o.cpu() for o in outputs]))

    def after_test_epoch(self,
                         runner: Runner,
                         metrics: Optional[Dict[str, float]] = None) -> None:
        """Read the threshold from ``metrics`` and draw the kept outputs.

        Raises:
            UserInputError: ``score_thr_key`` names a metric this run did
                not compute (the message lists those it did).
        """
        if self.score_thr_key is None or not self.draw:
            return
        metrics = metrics or {}
        if self.score_thr_key not in metrics:
            raise UserInputError(
                f'default_hooks.visualization.score_thr_key='
                f'{self.score_thr_key!r} is not among the computed metrics '
                f'({", ".join(sorted(metrics)) or "none"}). Name one of them, '
                f'or set score_thr_key=None and a fixed score_thr.')
        threshold = float(metrics[self.score_thr_key])
        if math.isnan(threshold):
            runner.logger.warning(
                f'{self.score_thr_key} is NaN (no face found at any '
                f'threshold); drawing at score_thr={self.score_thr}')
        else:
            self.score_thr = threshold
            runner.logger.info(f'drawing detections with score >= '
                               f'{threshold:.4f} ({self.score_thr_key})')
        pending, self._pending = self._pending, []
        for batch_idx, outputs in pending:  # the parent reads no data_batch
            super().after_test_iter(runner, batch_idx, {}, outputs)
