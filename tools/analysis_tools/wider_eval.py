"""Evaluate WIDER FACE predictions (official layout) on easy/medium/hard.

Usage::

    python tools/analysis_tools/wider_eval.py --pred DIR --gt DIR \\
        [--out FILE.json] [--plot-dir DIR] [--iou-thr 0.5]

``--pred`` holds ``<event>/<image>.txt`` files in the official submission
layout; ``--gt`` holds ``wider_face_val.mat`` and ``wider_{easy,medium,hard}
_val.mat`` from the official eval_tools. No model is loaded.
"""
import argparse
import json
import os.path as osp
import sys
from typing import List, Optional

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO_ROOT)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='WIDER FACE easy/medium/hard AP (official protocol)')
    parser.add_argument(
        '--pred', required=True, help='predictions: <event>/<image>.txt')
    parser.add_argument(
        '--gt', required=True, help='folder with the official .mat files')
    parser.add_argument('--out', help='write the APs to this JSON file')
    parser.add_argument('--plot-dir', help='save PR curves (PNG) here')
    parser.add_argument('--iou-thr', type=float, default=0.5)
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Evaluate, print the three APs, optionally save JSON and plots.

    Returns:
        Process exit status: 0 on success, 1 on a missing folder/file or a
        malformed file (one ``error:`` line on stderr).
    """
    args = parse_args(argv)
    from qmimic_mm.evaluation import functional
    try:
        for flag, folder in (('--pred', args.pred), ('--gt', args.gt)):
            if not osp.isdir(folder):
                raise FileNotFoundError(f'{flag} folder not found: {folder}')
        gt = functional.load_wider_ground_truth(args.gt)
        preds = functional.read_wider_predictions(args.pred)
        result = functional.evaluate_wider(preds, gt, iou_thresh=args.iou_thr)
        aps = {s: result[s] for s in functional.WIDER_SETTINGS}
        for setting, ap in aps.items():
            print(f'{setting.capitalize():<6} AP: {ap:.4f}')
        if args.out:
            with open(args.out, 'w') as f:
                json.dump(aps, f, indent=2)
        if args.plot_dir:
            label = osp.basename(osp.normpath(args.pred))
            for path in functional.plot_wider_pr_curves(
                    result, args.plot_dir, label):
                print(f'saved {path}')
    except (OSError, ValueError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
