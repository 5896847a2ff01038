"""Evaluate WIDER FACE predictions (official layout) on easy/medium/hard.

Usage::

    python tools/analysis_tools/wider_eval.py --pred DIR --gt DIR \\
        [--split val] [--out FILE.json] [--plot-dir DIR] [--iou-thr 0.5] \\
        [--debug]

``--pred`` holds ``<event>/<image>.txt`` files in the official submission
layout; ``--gt`` holds ``wider_face_val.mat`` and ``wider_{easy,medium,hard}
_val.mat`` from the official eval_tools. No model is loaded, and neither
torch nor the OpenMMLab stack is imported (numpy and scipy only).
"""
import argparse
import json
import os.path as osp
import sys
from typing import List, Optional

from qmimic_mm.utils.errors import (UserInputError, add_debug_flag,
                                    report_user_errors)
from qmimic_mm.wider import (WIDER_SETTINGS, evaluate_wider,
                             load_wider_ground_truth, plot_wider_pr_curves,
                             read_wider_predictions)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='WIDER FACE easy/medium/hard AP (official protocol)')
    parser.add_argument(
        '--pred', required=True, help='predictions: <event>/<image>.txt')
    parser.add_argument(
        '--gt', required=True, help='folder with the official .mat files')
    parser.add_argument(
        '--split', default='val',
        help='ground-truth split name: wider_face_<split>.mat (default val)')
    parser.add_argument('--out', help='write the APs to this JSON file')
    parser.add_argument('--plot-dir', help='save PR curves (PNG) here')
    parser.add_argument('--iou-thr', type=float, default=0.5)
    add_debug_flag(parser)
    return parser.parse_args(argv)


@report_user_errors
def main(argv: Optional[List[str]] = None) -> int:
    """Evaluate, print the three APs, optionally save JSON and plots.

    A missing folder or file, or a malformed one, ends the process with one
    ``error:`` line on stderr and exit status 2.
    """
    args = parse_args(argv)
    for flag, folder in (('--pred', args.pred), ('--gt', args.gt)):
        if not osp.isdir(folder):
            raise UserInputError(f'{flag} folder not found: {folder}')
    gt = load_wider_ground_truth(args.gt, args.split)
    result = evaluate_wider(read_wider_predictions(args.pred), gt,
                            iou_thresh=args.iou_thr)
    aps = {s: result[s] for s in WIDER_SETTINGS}
    for setting, ap in aps.items():
        print(f'{setting.capitalize():<6} AP: {ap:.4f}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(aps, f, indent=2)
    if args.plot_dir:
        label = osp.basename(osp.normpath(args.pred))
        for path in plot_wider_pr_curves(result, args.plot_dir, label):
            print(f'saved {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
