"""Benchmark the fast WIDER FACE evaluation against the reference loops.

Generates seeded synthetic predictions for the FULL validation ground truth
(jittered ground-truth boxes, missed faces, duplicates, random false
positives, degenerate boxes, scores exactly on thresholds, empty files, images
without a prediction file, an image outside the ground truth), writes them in
the official ``<event>/<image>.txt`` layout, reads them back, and runs
``evaluate_wider_reference`` and ``evaluate_wider`` on them.

Usage::

    python tests/benchmark_wider_eval.py [--gt DIR] [--seed N]

It lives with the tests because the reference evaluator does (test code,
not part of the package); run as a script, this folder is on ``sys.path``.

The last line printed is ``speedup: X``.
"""
import argparse
import os.path as osp
import tempfile
import time
from typing import Dict

import numpy as np
from wider_eval_reference import evaluate_wider_reference

from qmimic_mm import wider as functional
from qmimic_mm.wider import WiderGroundTruth

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def make_predictions(gt: WiderGroundTruth,
                     seed: int = 0) -> Dict[str, Dict[str, np.ndarray]]:
    """Seeded synthetic predictions covering the protocol's edge cases.

    Args:
        gt: A ``WiderGroundTruth``.
        seed: Random seed.

    Returns:
        ``preds[event][image]`` -> ``(K, 5)`` ``x, y, w, h, score``; an image
        mapped to an empty array gets an empty file, an image left out gets no
        file at all.
    """
    rng = np.random.default_rng(seed)
    preds: Dict[str, Dict[str, np.ndarray]] = {}
    for event, name, image_gt in gt:
        u = rng.random()
        if u < 0.03:
            continue  # no prediction file
        if u < 0.05:
            preds.setdefault(event, {})[name] = np.zeros((0, 5))
            continue  # empty file
        boxes = image_gt.boxes.astype(np.float64)
        found = boxes[rng.random(len(boxes)) < 0.85]  # missed faces
        size = np.maximum(found[:, 2:4], 1)
        jit = found.copy()
        jit[:, 0:2] += rng.normal(0, 0.12, (len(found), 2)) * size
        jit[:, 2:4] = size * np.exp(rng.normal(0, 0.12, (len(found), 2)))
        integer = rng.random(len(found)) < 0.3  # exact rational IoUs
        jit[integer, :4] = np.round(jit[integer, :4])
        tp_score = np.clip(rng.beta(5, 2, len(found)), 0, 1)
        dup = jit[rng.random(len(found)) < 0.1].copy()  # second hits
        dup[:, 0:2] += rng.normal(0, 1, (len(dup), 2))
        w_img = max(boxes[:, 0].max() + boxes[:, 2].max(), 64)
        h_img = max(boxes[:, 1].max() + boxes[:, 3].max(), 64)
        n_fp = rng.poisson(20)
        fp = np.stack([
            rng.uniform(0, w_img, n_fp),
            rng.uniform(0, h_img, n_fp),
            rng.uniform(2, 80, n_fp),
            rng.uniform(2, 80, n_fp)
        ], 1)
        n_deg = rng.poisson(0.3)  # degenerate: zero / negative width, height
        deg = np.stack([
            rng.uniform(0, w_img, n_deg),
            rng.uniform(0, h_img, n_deg),
            rng.choice([0.0, -1.0, -3.5, 5.0], n_deg),
            rng.choice([0.0, -2.0, 4.0], n_deg)
        ], 1)
        xywh = np.concatenate([jit, dup, fp, deg])
        scores = np.concatenate([
            tp_score,
            rng.uniform(0, 0.6, len(dup)),
            rng.beta(1.5, 6, n_fp),
            rng.uniform(0, 1, n_deg)
        ])
        # Scores exactly on thresholds 1 - k/1000 (min 0, max 1 pin the
        # normalisation to the identity) and ties between boxes.
        on_thr = rng.random(len(scores)) < 0.3
        scores[on_thr] = 1 - np.round((1 - scores[on_thr]) * 1000) / 1000
        order = rng.permutation(len(scores))  # files need not be sorted
        preds.setdefault(event, {})[name] = np.column_stack([xywh,
                                                             scores])[order]
    first_event = next(iter(preds))
    first_image = next(iter(preds[first_event]))
    preds[first_event][first_image] = np.vstack([
        preds[first_event][first_image],
        [[0, 0, 10, 10, 0.0], [5, 5, 10, 10, 1.0]]
    ])
    # Not in the ground truth: only takes part in the score normalisation.
    preds.setdefault('99--Unknown',
                     {})['99_unknown_1'] = np.array([[0, 0, 20, 20, 0.5]])
    return preds


def main() -> None:
    """Run the benchmark and print times, AP values and the speedup."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--gt',
        default=osp.join(REPO_ROOT, '..', 'shared', 'data',
                         'widerface_val_gt'),
        help='folder with wider_face_val.mat and wider_*_val.mat')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--repeat',
        type=int,
        default=3,
        help='extra fast runs (best is shown)')
    args = parser.parse_args()

    gt = functional.load_wider_ground_truth(args.gt)
    synthetic = make_predictions(gt, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        for event, images in synthetic.items():
            for name, boxes in images.items():
                functional.write_wider_predictions(tmp, event, name, boxes)
        t0 = time.perf_counter()
        preds = functional.read_wider_predictions(tmp)
        t_read = time.perf_counter() - t0
    n_boxes = sum(len(b) for imgs in preds.values() for b in imgs.values())
    n_files = sum(len(imgs) for imgs in preds.values())
    print(f'ground truth: {len(gt)} images, '
          f'{sum(len(g.boxes) for _, _, g in gt)} box rows')
    print(f'predictions: {n_files} files, {n_boxes} boxes '
          f'(read in {t_read:.3f} s)')

    t0 = time.perf_counter()
    ref = evaluate_wider_reference(preds, gt)
    t_ref = time.perf_counter() - t0
    # First call includes the one-off flattening of the ground truth.
    t0 = time.perf_counter()
    fast = functional.evaluate_wider(preds, gt)
    t_fast = time.perf_counter() - t0
    t_warm = float('inf')
    for _ in range(max(args.repeat, 1)):
        t0 = time.perf_counter()
        functional.evaluate_wider(preds, gt)
        t_warm = min(t_warm, time.perf_counter() - t0)

    max_diff = 0.0
    for s in functional.WIDER_SETTINGS:
        diff = abs(fast[s] - ref[s])
        max_diff = max(max_diff, diff)
        print(f'{s:>6}: fast AP {fast[s]:.12f}  reference AP {ref[s]:.12f}'
              f'  |diff| {diff:.2e}')
    print(f'reference time: {t_ref:.3f} s')
    print(f'fast time: {t_fast:.3f} s (first call; repeated calls: '
          f'{t_warm:.3f} s, best of {max(args.repeat, 1)})')
    print(f'max |AP diff|: {max_diff:.3e}')
    print(f'speedup: {t_ref / t_fast:.1f}')


if __name__ == '__main__':
    main()
