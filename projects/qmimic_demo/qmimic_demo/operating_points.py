"""Each demo model at an operating point: its drawing threshold (best F1 on
val), the share of its confident test detections that land on distractors,
and the grid picture of its detections."""
import os.path as osp
from typing import Dict, List, Mapping, Sequence, Tuple

import numpy as np

from qmimic_mm.wider import (CONFIDENT_RECALL, CONFIDENT_SETTING,
                             best_f1_point, confident_score,
                             parse_wider_bbx_gt)
from .demo_distractors import distractors_file, load_distractors
from .demo_faces import DemoFacesConfig
from .distractor_share import distractor_share
from .grid import GridRow, draw_detection_grid
from .plan import TEST_SPLIT, VAL_SPLIT, Plan, StageRun
from .stats import Cell

#: Rows of the grid: (stage key, label), the models the issue asks to see.
GRID_MODELS = (('teacher_fp', 'Teacher (fp)'),
               ('teacher_q', 'Quantized teacher'),
               ('scratch', 'Student, scratch'),
               ('mimic', 'Student, mimic'),
               ('qmimic', 'Student, Quant. Mimic'))
#: Test images in the grid.
GRID_IMAGES = 4


def val_threshold(run: StageRun) -> float:
    """The score at the best F1 of the run's medium PR curve on val (NaN
    when it finds no face)."""
    return best_f1_point(run.results[VAL_SPLIT], 'medium')[1]


def shortcut_cells(plan: Plan) -> Dict[str, Dict[str, Cell]]:
    """Per stage: the val best-F1 threshold (``'threshold'``) and the share
    of confident test detections on distractors (``'distractors'``) over
    its seeds.

    "Confident" is the test score at which the model reaches
    :data:`CONFIDENT_RECALL` recall on :data:`CONFIDENT_SETTING`; a run
    that never reaches it contributes NaN.
    """
    distractors = load_distractors(
        distractors_file(plan.settings.gt_dir, TEST_SPLIT))
    values: Dict[str, Dict[str, List[float]]] = {}
    for run in plan.runs.values():
        if run.stage.variant or not {TEST_SPLIT, VAL_SPLIT} <= set(
                run.results):
            continue
        thr = confident_score(run.results[TEST_SPLIT])
        share = (float('nan') if thr is None else distractor_share(
            run.predictions[TEST_SPLIT], distractors, thr)[0])
        cell = values.setdefault(run.stage.key,
                                 {'threshold': [], 'distractors': []})
        cell['threshold'].append(val_threshold(run))
        cell['distractors'].append(share)
    return {
        key: {k: Cell(v) for k, v in cells.items()}
        for key, cells in values.items()
    }


def base_rate(plan: Plan) -> float:
    """On test, among the pasted patches of at least the medium size (min
    side >= 20 px), the share that are distractors: what a detector firing
    on every such patch alike would put on distractors."""
    gt, distractors = split_boxes(plan.settings.gt_dir, TEST_SPLIT)
    min_size = DemoFacesConfig().medium_min_size

    def count(boxes: Mapping[str, np.ndarray]) -> int:
        return sum(int((b[:, 2:4].min(axis=1) >= min_size).sum())
                   for b in boxes.values() if len(b))

    n_faces, n_distractors = count(gt), count(distractors)
    return n_distractors / max(n_faces + n_distractors, 1)


def split_boxes(gt_dir: str, split: str
                ) -> Tuple[Dict[str, np.ndarray], Dict[str, np.ndarray]]:
    """Face and distractor ``x y w h`` boxes of one demo split, by
    ``'<event>/<image>.jpg'``."""
    path = osp.join(gt_dir, f'wider_face_{split}_bbx_gt.txt')
    with open(path) as f:
        records = parse_wider_bbx_gt(f.read(), path)
    faces = {
        r.rel_path: np.asarray(r.boxes, np.float64).reshape(-1, 10)[:, :4]
        for r in records
    }
    return faces, load_distractors(distractors_file(gt_dir, split))


def grid_images(ground_truth: Mapping[str, np.ndarray],
                distractors: Mapping[str, np.ndarray],
                count: int = GRID_IMAGES) -> List[str]:
    """The first ``count`` test images (in name order) with at least two
    faces and a distractor: fixed, and showing both kinds of patch."""
    chosen = [
        name for name in sorted(ground_truth)
        if len(ground_truth[name]) >= 2 and len(distractors.get(name, ()))
    ]
    return chosen[:count]


def write_grid(plan: Plan, out_file: str) -> str:
    """Draw :data:`GRID_MODELS` (first seed) on :func:`grid_images`, each at
    its val best-F1 threshold; return ``out_file``."""
    seed = plan.settings.seed
    gt, distractors = split_boxes(plan.settings.gt_dir, TEST_SPLIT)
    rows = []
    for key, title in GRID_MODELS:
        if not plan.of(key):
            continue  # not trained (--claims)
        run = plan.get(key, seed)
        flat = {
            f'{event}/{name}.jpg': boxes
            for event, images in run.predictions[TEST_SPLIT].items()
            for name, boxes in images.items()
        }
        rows.append(GridRow(title, flat, val_threshold(run)))
    draw_detection_grid(
        osp.join(plan.settings.data_root, f'WIDER_{TEST_SPLIT}', 'images'),
        grid_images(gt, distractors), rows, gt, distractors, out_file)
    return out_file


def shortcut_table(cells: Mapping[str, Mapping[str, Cell]],
                   titles: Sequence[tuple], rate: float) -> List[str]:
    """Markdown rows: model, val threshold, share on distractors."""
    lines = [
        f'| Model | Drawing threshold (best medium F1 on val) | Confident '
        f'test detections on distractors (>= {CONFIDENT_RECALL:.0%} recall '
        f'on {CONFIDENT_SETTING}) |', '|---|---:|---:|'
    ]
    for key, title in titles:
        if key in cells:
            lines.append(f'| {title} | {cells[key]["threshold"].format()} | '
                         f'{cells[key]["distractors"].format()} |')
    lines += [
        '', f'For scale: distractors are {rate:.1%} of the pasted patches '
        'of at least medium size (min side >= 20 px) on test. A detector '
        'that fired on every pasted patch alike would put about that share '
        'of its confident detections on them.'
    ]
    return lines
