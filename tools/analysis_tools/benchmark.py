"""Inference latency of detectors, measured side by side (MMDet-style).

    python tools/analysis_tools/benchmark.py CONFIG [CONFIG ...]
        [--checkpoint CKPT [CKPT ...]] [--shape H W] [--repeat N]
        [--warmup N] [--device cpu|cuda] [--threads N] [--fuse-conv-bn]
        [--runtime torch|torch-graph|cuda-graph|onnxruntime]
        [--default-malloc] [--no-flops] [--cfg-options K=V ...]

Every config is built once and, round by round, every model is timed in
turn: the full detector (``model.test_step``) and its backbone, on one
synthetic image. The table gives the medians and the speed-up of each
config over the first. How it is timed, and why the CPU settings, is in
:mod:`qmimic_mm.analysis.benchmark`.
"""
import argparse
import os
import os.path as osp
import sys

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning
# (see qmimic_mm.analysis.benchmark).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from qmimic_mm.analysis.benchmark import (add_common_args,  # noqa: E402
                                          benchmark, describe_run,
                                          format_table, setup_runtime)
from mmengine.config import DictAction  # noqa: E402

from qmimic_mm.utils import report_user_errors  # noqa: E402

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Inference latency of detectors, side by side')
    parser.add_argument('configs', nargs='+', metavar='CONFIG',
                        help='detector configs; speed-ups are relative to '
                        'the first')
    parser.add_argument(
        '--checkpoint', nargs='+', metavar='CKPT',
        help='one checkpoint per config, in order (default: random '
        'weights)')
    add_common_args(parser, repeat=10, warmup=2)
    parser.add_argument(
        '--fuse-conv-bn', action='store_true',
        help='fold batch norm into the convs (deployed model)')
    parser.add_argument(
        '--no-flops', action='store_true',
        help='skip counting FLOPs (a few traced forwards per model)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of every config; keys must exist')
    return parser.parse_args()


@report_user_errors
def main() -> None:
    args = parse_args()
    setup_runtime(args)
    results = benchmark(
        args.configs, args.checkpoint, args.shape, args.repeat, args.warmup,
        args.device, args.fuse_conv_bn, not args.no_flops, args.cfg_options,
        args.runtime)
    print(describe_run(args, args.fuse_conv_bn))
    if not args.checkpoint:
        print('random weights (no checkpoint)')
    print(format_table(results))


if __name__ == '__main__':
    main()
