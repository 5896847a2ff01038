"""Latency of exported ONNX models in ONNX Runtime, side by side.

    python tools/deployment/benchmark_onnx.py MODEL.onnx [MODEL.onnx ...]
        [--shape H W] [--repeat N] [--warmup N] [--threads N]

For comparing exports of one detector -- before and after a change to the
graph, ``--no-fold-preprocess`` against the default, two widths -- without
their configs. Every model gets the same random image of ``--shape`` (the
graph's channel count; uint8 pixels for a detector graph's ``image``, as
the test pipeline feeds it; standard normal values for a ``--boundary
network`` graph's preprocessed ``inputs``). The rounds interleave the
models, in an order that rotates, and the table gives the median per model
and its ratio to the first. Detector graphs also report whether their
detections equal the first model's (the largest box / score difference).

CPU settings as in ``benchmark.py``: ``--threads`` intra-op threads (default
1) and glibc's malloc keeping freed memory.
"""
import argparse
import os
import os.path as osp
import statistics
from typing import Any, Dict, List

# Before torch loads libgomp (see qmimic_mm.analysis.benchmark).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import numpy as np  # noqa: E402

from qmimic_mm.analysis.benchmark import (check_rounds,  # noqa: E402
                                          keep_freed_memory, run_interleaved)
from qmimic_mm.deployment import (DETECTOR_OUTPUT_NAMES,  # noqa: E402
                                  import_onnxruntime, largest_difference,
                                  ort_session)
from qmimic_mm.deployment.ort_detector import ONNX_DTYPES  # noqa: E402
from qmimic_mm.utils import (UserInputError, add_debug_flag,  # noqa: E402
                             check_file, report_user_errors)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('models', nargs='+', help='.onnx files')
    parser.add_argument('--shape', type=int, nargs=2, default=[768, 1024],
                        metavar=('H', 'W'), help='input image size')
    parser.add_argument('--repeat', type=int, default=30,
                        help='timed rounds (default: 30)')
    parser.add_argument('--warmup', type=int, default=3,
                        help='untimed rounds first (default: 3)')
    parser.add_argument('--threads', type=int, default=1,
                        help='ONNX Runtime intra-op threads (default: 1)')
    add_debug_flag(parser)
    return parser.parse_args()


def random_feed(session: Any, shape: List[int], seed: int = 0
                ) -> Dict[str, np.ndarray]:
    """One random (1, C, H, W) input for the session's single input."""
    inputs = session.get_inputs()
    if len(inputs) != 1 or len(inputs[0].shape) != 4:
        raise UserInputError(
            f'expected one (N, C, H, W) input, got '
            f'{[(i.name, i.shape) for i in inputs]}; export the model with '
            'tools/deployment/export_onnx.py')
    spec = inputs[0]
    channels = spec.shape[1]
    if not isinstance(channels, int):
        raise UserInputError(f'input {spec.name!r} has a dynamic channel '
                             'count; cannot make an image for it')
    size = (1, channels, *shape)
    rng = np.random.default_rng(seed)
    dtype = ONNX_DTYPES.get(spec.type, np.float32)
    if spec.name == 'image':  # pixels, as the test pipeline gives them
        value = rng.integers(0, 256, size).astype(dtype)
    else:
        value = rng.standard_normal(size).astype(dtype)
    return {spec.name: value}


@report_user_errors
def main() -> None:
    args = parse_args()
    check_rounds(args.repeat, args.warmup)
    if args.threads < 1:
        raise UserInputError(f'--threads must be >= 1, got {args.threads}')
    import_onnxruntime()
    for model in args.models:
        check_file(model, 'ONNX model')
    malloc = 'keeps freed memory' if keep_freed_memory() else 'default'
    sessions = [ort_session(m, args.threads) for m in args.models]
    feeds = [random_feed(s, args.shape) for s in sessions]
    steps = [{'run': (lambda s=s, f=f: s.run(None, f))}
             for s, f in zip(sessions, feeds)]
    times = run_interleaved(steps, args.repeat, args.warmup, 'cpu')
    medians = [statistics.median(t['run']) * 1e3 for t in times]
    is_detector = [
        tuple(o.name for o in s.get_outputs()) == DETECTOR_OUTPUT_NAMES
        for s in sessions
    ]
    first = sessions[0].run(None, feeds[0]) if is_detector[0] else None

    print(f'ONNX Runtime, input {args.shape[0]}x{args.shape[1]}, '
          f'{args.threads} thread(s), median of {args.repeat} interleaved '
          f'rounds after {args.warmup} warm-up, malloc {malloc}')
    print()
    print('| model | latency (ms) | vs first | detections vs first |')
    print('| --- | ---: | ---: | --- |')
    for model, session, feed, ms, det in zip(args.models, sessions, feeds,
                                             medians, is_detector):
        same = ''
        if det and first is not None:
            out = session.run(None, feed)
            diff = largest_difference(first, out)
            same = (f'{len(out[0])} vs {len(first[0])} (counts differ)'
                    if diff == float('inf') else
                    f'{len(out[0])}, largest difference {diff:.2e}')
        print(f'| {osp.basename(model)} | {ms:.2f} | '
              f'{ms / medians[0]:.3f}x | {same} |')


if __name__ == '__main__':
    main()
