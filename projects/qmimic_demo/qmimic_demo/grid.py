"""A picture of what each model detects: the same test images, one row per
model, boxes drawn at the model's own threshold."""
import os.path as osp
from dataclasses import dataclass
from typing import Mapping, Sequence, Tuple

import cv2
import mmcv
import numpy as np

#: BGR colours: ground truth, detections, distractors.
GT_COLOUR = (60, 200, 60)
DET_COLOUR = (40, 40, 230)
DISTRACTOR_COLOUR = (220, 120, 30)
#: Pixels of the legend strip above the grid.
LEGEND_H = 26


@dataclass(frozen=True)
class GridRow:
    """One model's row.

    Attributes:
        title: Row label.
        detections: ``'<event>/<image>.jpg'`` -> ``(K, 5)`` ``x y w h
            score``.
        threshold: Draw detections with ``score >=`` it (NaN: none).
    """

    title: str
    detections: Mapping[str, np.ndarray]
    threshold: float


def _box(canvas: np.ndarray, xywh: Sequence[float], scale: float,
         offset: Tuple[int, int], colour: Tuple[int, int, int],
         thickness: int) -> None:
    x, y, w, h = (float(v) * scale for v in xywh[:4])
    ox, oy = offset
    cv2.rectangle(canvas, (int(round(ox + x)), int(round(oy + y))),
                  (int(round(ox + x + w)), int(round(oy + y + h))), colour,
                  thickness)


def _text(canvas: np.ndarray, text: str, org: Tuple[int, int],
          scale: float = 0.42) -> None:
    cv2.putText(canvas, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale,
                (20, 20, 20), 1, cv2.LINE_AA)


def draw_detection_grid(image_dir: str,
                        images: Sequence[str],
                        rows: Sequence[GridRow],
                        ground_truth: Mapping[str, np.ndarray],
                        distractors: Mapping[str, np.ndarray],
                        out_file: str,
                        cell: int = 200,
                        label_w: int = 190) -> Tuple[int, int]:
    """Write a grid PNG: a legend strip, then one row per model with a
    label column and one ``cell x cell`` panel per image.

    Each panel shows the image (letterboxed), its ground-truth faces, the
    distractor patches and the model's detections at its threshold.

    Args:
        image_dir: Folder the ``images`` names are relative to.
        images: ``'<event>/<image>.jpg'`` names, one column each.
        rows: One :class:`GridRow` per model.
        ground_truth: Name -> ``(N, 4+)`` ``x y w h`` faces.
        distractors: Name -> ``(M, 4)`` ``x y w h`` non-face patches.
        out_file: PNG path (folders are created).
        cell: Panel size, pixels.
        label_w: Width of the label column, pixels.

    Returns:
        ``(height, width)`` of the written image:
        ``(LEGEND_H + len(rows) * cell, label_w + len(images) * cell)``.
    """
    height = LEGEND_H + len(rows) * cell
    width = label_w + len(images) * cell
    canvas = np.full((height, width, 3), 255, np.uint8)
    _text(canvas, 'green: ground-truth faces   blue: distractors (not '
          'faces)   red: detections at the row\'s threshold', (6, 17))
    panels = []
    for name in images:
        img = mmcv.imread(osp.join(image_dir, name), flag='color')
        scale = min(cell / img.shape[1], cell / img.shape[0])
        panel = mmcv.imrescale(img, scale)
        offset = ((cell - panel.shape[1]) // 2, (cell - panel.shape[0]) // 2)
        panels.append((name, panel, scale, offset))
    for r, row in enumerate(rows):
        top = LEGEND_H + r * cell
        _text(canvas, row.title, (6, top + cell // 2 - 8))
        thr = ('' if np.isnan(row.threshold) else
               f'score >= {row.threshold:.3f}')
        _text(canvas, thr, (6, top + cell // 2 + 12))
        for c, (name, panel, scale, offset) in enumerate(panels):
            left = label_w + c * cell
            tile = np.full((cell, cell, 3), 255, np.uint8)
            ox, oy = offset
            tile[oy:oy + panel.shape[0], ox:ox + panel.shape[1]] = panel
            for box in ground_truth.get(name, np.zeros((0, 4))):
                _box(tile, box, scale, offset, GT_COLOUR, 1)
            for box in distractors.get(name, np.zeros((0, 4))):
                _box(tile, box, scale, offset, DISTRACTOR_COLOUR, 1)
            dets = np.asarray(row.detections.get(name, np.zeros((0, 5))),
                              np.float64).reshape(-1, 5)
            if not np.isnan(row.threshold):
                for box in dets[dets[:, 4] >= row.threshold]:
                    _box(tile, box, scale, offset, DET_COLOUR, 2)
            canvas[top:top + cell, left:left + cell] = tile
    mmcv.imwrite(canvas, out_file)
    return height, width
