"""WIDER FACE easy/medium/hard AP as an mmengine metric (official protocol)."""
import os.path as osp
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmengine.structures import BaseDataElement

from qmimic_mm.wider import (WIDER_SETTINGS, best_f1_point, evaluate_wider,
                             load_wider_ground_truth, plot_wider_pr_curves,
                             write_wider_predictions)

#: ``predictions[event][image]`` -> ``(K, 5)`` ``x y w h score``.
Predictions = Dict[str, Dict[str, np.ndarray]]


def _to_numpy(value: Any) -> np.ndarray:
    """Tensor (any device) or array-like -> float64 numpy array."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


@METRICS.register_module()
class WiderFaceMetric(BaseMetric):
    """WIDER FACE AP for the easy, medium and hard settings.

    Collects each image's detections, converts them to the official
    ``x y w h score`` submission boxes and scores them with
    :func:`~qmimic_mm.wider.evaluate_wider`, which reproduces
    the official ``eval_tools`` protocol (global score normalisation, greedy
    +1-pixel IoU matching with per-setting ignored faces, 1000-threshold PR,
    VOC area AP). Ground-truth images that got no detections count as images
    without predictions, as in the official evaluation.

    Besides ``easy`` / ``medium`` / ``hard`` AP it returns, per setting, the
    best F1 on the PR curve (``<setting>_best_f1``) and the detector score
    where it is reached (``<setting>_best_f1_thr``): a score threshold that
    suits this detector, e.g. for drawing its detections
    (:class:`~qmimic_mm.engine.hooks.MetricThresholdVisualizationHook`).
    A subclass adds metrics of its own by extending :meth:`summarize` and
    :meth:`table_rows`.

    Args:
        gt_dir: Folder with ``wider_face_<split>.mat`` and
            ``wider_{easy,medium,hard}_<split>.mat`` (official eval_tools
            for ``'val'``).
        split: Which split's ground truth to read. Defaults to ``'val'``
            (the official release); the demo set also has ``'test'``.
        iou_thr: IoU for a match. Defaults to 0.5 (official).
        pred_dir: If given, also write the detections there in the official
            ``<event>/<image>.txt`` submission layout.
        plot_dir: If given, save one precision-recall PNG per setting there.
        plot_label: Method name in the plot legends.
        prefix: Prefix of the returned keys (``'wider/easy'`` ...).
        collect_device: Device for collecting results across ranks.
        collect_dir: Folder for collecting results when ``collect_device``
            is ``'cpu'``.
    """

    default_prefix: Optional[str] = 'wider'

    def __init__(self,
                 gt_dir: str,
                 split: str = 'val',
                 iou_thr: float = 0.5,
                 pred_dir: Optional[str] = None,
                 plot_dir: Optional[str] = None,
                 plot_label: str = 'model',
                 prefix: Optional[str] = 'wider',
                 collect_device: str = 'cpu',
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        # Loaded up front so a wrong gt_dir fails before inference starts.
        self.ground_truth = load_wider_ground_truth(gt_dir, split)
        self.split = split
        self.iou_thr = iou_thr
        self.pred_dir = pred_dir
        self.plot_dir = plot_dir
        self.plot_label = plot_label

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Store ``(event, image, boxes)`` per sample.

        Args:
            data_batch: Unused.
            data_samples: mmdet ``DetDataSample`` objects or their
                ``to_dict()`` form (what mmengine's ``Evaluator`` passes),
                with ``img_path`` (``.../<event>/<image>.jpg``) and
                ``pred_instances`` holding ``bboxes`` (x1, y1, x2, y2 in
                original-image pixels) and ``scores``.
        """
        for sample in data_samples:
            if isinstance(sample, BaseDataElement):
                sample = sample.to_dict()
            pred = sample['pred_instances']
            if isinstance(pred, BaseDataElement):
                pred = pred.to_dict()
            bboxes = _to_numpy(pred['bboxes']).reshape(-1, 4)
            scores = _to_numpy(pred['scores']).reshape(-1)
            # Official boxes are x, y, w, h with w = x2 - x1 (no +1).
            xywh_score = np.column_stack([
                bboxes[:, 0], bboxes[:, 1], bboxes[:, 2] - bboxes[:, 0],
                bboxes[:, 3] - bboxes[:, 1], scores
            ])
            img_path = sample['img_path']
            event = osp.basename(osp.dirname(img_path))
            name = osp.splitext(osp.basename(img_path))[0]
            self.results.append((event, name, xywh_score))

    def compute_metrics(
            self, results: List[Tuple[str, str,
                                      np.ndarray]]) -> Dict[str, float]:
        """Evaluate all collected detections.

        Args:
            results: ``(event, image, (K, 5) x, y, w, h, score)`` per image.

        Returns:
            :meth:`summarize`'s metrics.
        """
        preds: Predictions = {}
        for event, name, boxes in results:
            preds.setdefault(event, {})[name] = boxes
        if self.pred_dir:
            for event, images in preds.items():
                for name, boxes in images.items():
                    write_wider_predictions(self.pred_dir, event, name, boxes)
        result = evaluate_wider(
            preds, self.ground_truth, iou_thresh=self.iou_thr)
        if self.plot_dir:
            plot_wider_pr_curves(result, self.plot_dir, self.plot_label)
        metrics = self.summarize(result, preds)
        MMLogger.get_current_instance().info(
            '\n' + '\n'.join(self.table_rows(metrics, preds)))
        return metrics

    def summarize(self, result: Mapping[str, Any],
                  preds: Predictions) -> Dict[str, float]:
        """The returned metrics, from the protocol's result.

        Args:
            result: :func:`~qmimic_mm.wider.evaluate_wider`'s output.
            preds: The detections it scored.

        Returns:
            ``{'easy': ap, 'medium': ap, 'hard': ap}`` and, per setting,
            ``<setting>_best_f1`` and ``<setting>_best_f1_thr``.
        """
        metrics = {s: float(result[s]) for s in WIDER_SETTINGS}
        for s in WIDER_SETTINGS:
            f1, thr = best_f1_point(result, s)
            metrics[f'{s}_best_f1'] = f1
            metrics[f'{s}_best_f1_thr'] = thr
        return metrics

    def table_rows(self, metrics: Mapping[str, float],
                   preds: Predictions) -> List[str]:
        """The logged table, one line each: setting, AP, best F1 and its
        score, faces counted."""
        n_images = sum(len(images) for images in preds.values())
        rows = [
            f'WIDER FACE {self.split} ({n_images}/{len(self.ground_truth)} '
            f'images with detections, IoU {self.iou_thr})',
            f'{"setting":<8}| {"AP":>7} | {"best F1":>7} | {"at score":>8} '
            f'| {"faces":>6}'
        ]
        rows.append('-' * len(rows[-1]))
        for s in WIDER_SETTINGS:
            rows.append(f'{s:<8}| {metrics[s]:7.4f} | '
                        f'{metrics[f"{s}_best_f1"]:7.4f} | '
                        f'{metrics[f"{s}_best_f1_thr"]:8.4f} | '
                        f'{self.ground_truth.num_faces(s):6d}')
        return rows
