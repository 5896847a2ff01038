"""FLOPs and parameters of a detector on a synthetic image (MMDet-style).

    python tools/analysis_tools/get_flops.py CONFIG [--shape H W]
        [--fuse-conv-bn] [--reference CONFIG] [--cfg-options K=V ...]

``--reference`` counts a second detector the same way and prints the
ratios, e.g. a pruned model (``configs/pruning/*.py`` or the
``pruned_iter_<N>_config.py`` a pruning run writes) beside VGG-1-32. What
is counted, and what is not, is in :mod:`qmimic_mm.analysis.flops`.
"""
import argparse
import os
import os.path as osp
import sys

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning
# (see qmimic_mm.analysis.benchmark).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from mmengine.config import DictAction  # noqa: E402

from qmimic_mm.analysis.flops import (DEFAULT_SHAPE,  # noqa: E402
                                      build_detector, count_complexity,
                                      format_comparison, format_report,
                                      load_detector_config)
from qmimic_mm.utils import report_user_errors  # noqa: E402

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='FLOPs and params of a detector and of its backbone')
    parser.add_argument('config', help='detector config file path')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=list(DEFAULT_SHAPE),
        metavar=('H', 'W'),
        help='input image size (default: 768 1024, longer side 1024)')
    parser.add_argument(
        '--fuse-conv-bn', action='store_true',
        help='fold batch norm into the convs first (deployed model)')
    parser.add_argument(
        '--reference', metavar='CONFIG',
        help='also count this detector and print the ratios (e.g. '
        'configs/rfcn/rfcn_vgg1-32_80k_wider.py beside a pruned model)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings; keys must exist in the config')
    return parser.parse_args()


@report_user_errors
def main() -> None:
    args = parse_args()
    cfg = load_detector_config(args.config, args.cfg_options)
    model = build_detector(cfg, fuse_conv_bn=args.fuse_conv_bn)
    result = count_complexity(model, args.shape)
    print(format_report(result))
    if args.reference:
        reference = count_complexity(
            build_detector(load_detector_config(args.reference),
                           fuse_conv_bn=args.fuse_conv_bn), args.shape)
        print(format_comparison(result, reference, args.reference))


if __name__ == '__main__':
    main()
