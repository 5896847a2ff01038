"""The paper's Table 1: speed and size of VGG16 / VGG-1-4 / VGG-1-32 R-FCN
(and the VGG-1-4 pruned by ratio 8 of Table 2's pruning baselines), beside
the one-stage family: RTMDet CSPNeXt-1-32 (the one-stage student) and its
teacher CSPNeXt-1-4.

    python tools/analysis_tools/table1.py [--shape H W] [--repeat N]
        [--warmup N] [--device cpu|cuda] [--threads N] [--default-malloc]
        [--no-fuse-conv-bn]
        [--runtime torch|torch-graph|cuda-graph|onnxruntime]
        [--models vgg16 vgg1-4 vgg1-32 vgg1-4-pruned8 rtmdet1-4 rtmdet1-32]
        [--no-flops]

Quantization Mimic (Wei et al., ECCV 2018), Table 1 compares the three
R-FCN detectors on one image whose longer side is 1024 (Titan X there; CPU
here by default). This script builds the three configs of ``configs/rfcn``
with random weights, counts FLOPs / params with ``get_flops.py`` and times
them side by side, interleaved, in one run with ``benchmark.py``; it prints
a markdown table. Size is the theoretical float32 size of the parameters
(4 bytes each, MB = 2^20 bytes). Batch norm is folded into the convs by
default, as in a deployed model (the paper's VGG16 has none; the configs
add it only to train from scratch); ``--no-fuse-conv-bn`` keeps it. Threads,
``OMP_WAIT_POLICY`` and malloc are set as in ``benchmark.py``, whose
docstring says why. ``Backbone`` is ``model.extract_feat``: the backbone,
and for the one-stage rows also the neck (CSPNeXtPAFPN), whose three
levels the dense head reads; its FLOPs are counted over the same modules.
``Detector / backbone`` is each detector's latency over its own backbone's:
what the heads, proposals, decoding and NMS add.

The one-stage rows run the same runtimes: ``--runtime onnxruntime`` exports
them whole (:class:`qmimic_mm.deployment.DenseHeadDetectionGraph`). With
random weights their scores sit near the prior 0.01 and below
``score_thr``, so their NMS has little to do; a trained model's has more
(the R-FCN rows' RPN NMS runs on its 6000 candidates either way).

``--models`` times a subset (speed-ups relative to the first one given) and
``--no-flops`` skips the FLOP count, which traces every model and takes
most of a run's start on a GPU machine (``--device cuda``: build and count
took over 70 s there); the FLOP and size columns then read ``-``.
"""
import argparse
import os
from typing import Any, Dict, Sequence

# Before torch loads libgomp (see qmimic_mm.analysis.benchmark).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from qmimic_mm.analysis.benchmark import (  # noqa: E402
    add_common_args, benchmark, describe_run, setup_runtime, speedups)
from mmengine.analysis.print_helper import _format_size  # noqa: E402

from qmimic_mm.utils import PROJECT_CONFIGS, report_user_errors  # noqa: E402

#: ``--models`` key -> (row name, config) of Table 1, in the table's
#: order; speed-ups are relative to the first row.
MODELS = {
    'vgg16': ('VGG16 R-FCN', 'rfcn/rfcn_vgg16_80k_wider.py'),
    'vgg1-4': ('VGG-1-4 R-FCN', 'rfcn/rfcn_vgg1-4_80k_wider.py'),
    'vgg1-32': ('VGG-1-32 R-FCN', 'rfcn/rfcn_vgg1-32_80k_wider.py'),
    # Table 2's pruning baselines: VGG-1-4 pruned with ratio 8 (the widths
    # every configs/pruning run exports), beside VGG-1-32
    'vgg1-4-pruned8': ('VGG-1-4 pruned x8 R-FCN',
                       'pruning/rfcn_vgg1-4-pruned8_80k_wider.py'),
    # the one-stage family: teacher and student
    'rtmdet1-4': ('CSPNeXt-1-4 RTMDet',
                  'rtmdet/rtmdet_cspnext-1-4_80k_wider.py'),
    'rtmdet1-32': ('CSPNeXt-1-32 RTMDet',
                   'rtmdet/rtmdet_cspnext-1-32_80k_wider.py'),
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Table 1: FLOPs, size and latency of the R-FCN and '
        'one-stage models')
    add_common_args(parser, repeat=5, warmup=1)
    parser.add_argument(
        '--no-fuse-conv-bn', action='store_true',
        help='keep batch norm as separate layers')
    parser.add_argument(
        '--models', nargs='+', choices=list(MODELS), default=list(MODELS),
        help='rows to time, in this order (default: all)')
    parser.add_argument(
        '--no-flops', action='store_true',
        help='skip counting FLOPs (their columns read -)')
    return parser.parse_args()


def format_table1(results: Sequence[Dict[str, Any]],
                  names: Sequence[str]) -> str:
    """Markdown Table 1 from :func:`benchmark.benchmark`'s results, one
    row per name."""
    header = [
        'Model', 'FLOPs', 'Params', 'Size (MB, fp32)', 'Latency (ms)',
        'Speed-up', 'Backbone FLOPs', 'Backbone latency (ms)',
        'Backbone speed-up', 'Detector / backbone'
    ]
    rows = [header, ['---'] + ['---:'] * (len(header) - 1)]
    det_up = speedups(results, 'detector')
    bb_up = speedups(results, 'backbone')
    for name, result, det, bb in zip(names, results, det_up, bb_up):
        rows.append([
            name,
            _format_size(result['flops']) if 'flops' in result else '-',
            _format_size(result['params']),
            f'{result["params"] * 4 / 2**20:.3g}',
            f'{result["detector_ms"]:.1f}',
            f'{det:.1f}x',
            (_format_size(result['feature_flops'])
             if 'feature_flops' in result else '-'),
            f'{result["backbone_ms"]:.1f}',
            f'{bb:.1f}x',
            f'{result["detector_ms"] / result["backbone_ms"]:.2f}x',
        ])
    return '\n'.join('| ' + ' | '.join(row) + ' |' for row in rows)


@report_user_errors
def main() -> None:
    args = parse_args()
    setup_runtime(args)
    fuse = not args.no_fuse_conv_bn
    models = [MODELS[key] for key in dict.fromkeys(args.models)]
    configs = [str(PROJECT_CONFIGS / config) for _, config in models]
    results = benchmark(configs, shape=args.shape, repeat=args.repeat,
                        warmup=args.warmup, device=args.device,
                        fuse_conv_bn=fuse, runtime=args.runtime,
                        with_flops=not args.no_flops)
    run = describe_run(args, fuse)
    print(f'Table 1 (gray, {run}; random weights; FLOPs = '
          'multiply-accumulates)')
    print()
    print(format_table1(results, [name for name, _ in models]))
    if any(key.startswith('rtmdet') for key in args.models):
        print()
        print('Backbone = model.extract_feat: for the RTMDet rows backbone '
              '+ neck (CSPNeXtPAFPN)')


if __name__ == '__main__':
    main()
