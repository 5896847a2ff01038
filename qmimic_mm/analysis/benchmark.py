"""Inference latency of detectors, measured side by side (MMDet-style).

The library behind ``tools/analysis_tools/benchmark.py`` (the command line:
``python tools/analysis_tools/benchmark.py --help``) and ``table1.py``:
:func:`benchmark` times detectors, :func:`format_table` prints them.

Every config is built once; then, in one run, each round times every model
in turn (the order rotates from round to round), so that all of them see
the same machine state. Two things are timed on one synthetic image of
``--shape`` (random pixels, the config's channel count, 1 for gray):

* ``detector``: ``model.test_step`` -- preprocessing (normalise, pad), the
  backbone, the RPN with its NMS, the R-CNN head (for R-FCN: score maps,
  PS-RoI pooling) and the final NMS; everything but image decoding;
* ``backbone``: ``model.extract_feat`` on the preprocessed image (the
  backbone, and the neck of a one-stage detector).

The table reports the median over ``--repeat`` rounds and the speed-up of
each config over the first one (first median / this median). Weights are
random (seeded) unless ``--checkpoint`` is given. Latency depends on their
values only through NMS: the RPN's NMS takes ``rpn.nms_pre`` candidates
(6000 in the R-FCN configs) and its cost grows with how many survive
(600-850 with the seeded random weights at 768x1024; a trained model's
count may differ). FLOPs and params come from :mod:`.flops`
(``--no-flops`` skips them).

CPU runtime settings, the same for every config:

* ``--threads`` (default: torch's, one per core). The tool sets
  ``OMP_WAIT_POLICY=PASSIVE`` unless the environment sets it: with
  libgomp's default spin-waiting, on a machine shared with other processes,
  every parallel op can wait a whole scheduler time slice for a descheduled
  thread, which swamps the tiny models' latency.
* glibc's malloc is told to keep freed memory (no ``mmap`` per large
  tensor, no trimming), as a long-running inference process effectively
  does; ``--default-malloc`` leaves it alone. Otherwise every forward pays a
  page fault for each fresh 4 KiB it writes, a cost that depends on the
  allocator's history rather than on the model (measured at 768x1024, one
  thread: 31k faults, ~60 of the ~95 ms of VGG-1-32's backbone; 0.58M
  faults, ~1.1 of the ~6 s of VGG16's).

Timings on a shared machine stay noisy: compare configs measured in one run,
by their ratios.
"""
import argparse
import ctypes
import ctypes.util
import gc
import os
import os.path as osp
import platform
import statistics
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

# Before torch loads libgomp, which reads it once: idle OpenMP threads sleep
# instead of spinning. A spinning thread competes with other processes for
# the cores, and every parallel op then waits a scheduler time slice for it
# (on a shared 2-core machine, 2 threads made VGG-1-32 R-FCN 7x slower than
# 1). Set OMP_WAIT_POLICY yourself to override.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from qmimic_mm.analysis.flops import (  # noqa: E402  (first: stack fixes)
    DEFAULT_SHAPE, build_detector, count_complexity, load_detector_config,
    synthetic_batch)
import torch  # noqa: E402
from mmengine.analysis.print_helper import _format_size  # noqa: E402
from torch import nn  # noqa: E402

from qmimic_mm.utils import UserInputError, check_file  # noqa: E402

#: Timed parts, in the order they are run and printed.
PARTS = ('detector', 'backbone')
#: How the detector runs (``--runtime``); the backbone always runs as the
#: runtime runs the network (PyTorch, or its own ONNX graph).
RUNTIMES = ('torch', 'torch-graph', 'cuda-graph', 'onnxruntime')


def add_common_args(parser: argparse.ArgumentParser, repeat: int,
                    warmup: int) -> None:
    """Declare the options shared by ``tools/analysis_tools/benchmark.py``
    and ``table1.py`` on their parser (read by :func:`setup_runtime`)."""
    parser.add_argument(
        '--shape', type=int, nargs=2, default=list(DEFAULT_SHAPE),
        metavar=('H', 'W'),
        help='input image size (default: 768 1024, longer side 1024)')
    parser.add_argument(
        '--repeat', type=int, default=repeat,
        help=f'timed rounds per model (default: {repeat})')
    parser.add_argument(
        '--warmup', type=int, default=warmup,
        help=f'untimed rounds first (default: {warmup})')
    parser.add_argument(
        '--device', choices=['cpu', 'cuda'], default='cpu',
        help='where to run (default: cpu)')
    parser.add_argument(
        '--threads', type=int, default=None,
        help='torch CPU threads (default: torch\'s, one per core)')
    parser.add_argument(
        '--runtime', choices=RUNTIMES, default='torch',
        help='torch: model.test_step; torch-graph: the exportable detector '
        'graph (qmimic_mm.deployment.RFCNDetectionGraph, or '
        'DenseHeadDetectionGraph for a one-stage detector) in PyTorch; '
        'cuda-graph: the same with its network replayed from a CUDA graph '
        '(--device cuda); onnxruntime: the whole detector exported to ONNX, '
        'in ONNX Runtime (CPU). Default: torch')
    parser.add_argument(
        '--default-malloc', action='store_true',
        help='leave glibc malloc as it is (default: keep freed memory, so '
        'that timings do not include page faults)')


def keep_freed_memory() -> bool:
    """Make glibc's malloc keep freed memory for reuse.

    ``mallopt(M_MMAP_MAX, 0)`` serves every block from the heap instead of
    a fresh ``mmap`` and ``mallopt(M_TRIM_THRESHOLD, 2**31 - 1)`` keeps
    freed heap memory mapped, so a repeated forward pass touches pages that
    are already there.

    Returns:
        bool: Whether both settings were applied (False off glibc).
    """
    m_trim_threshold, m_mmap_max = -1, -4  # glibc's <malloc.h>
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c'))
        return bool(libc.mallopt(m_mmap_max, 0)) and bool(
            libc.mallopt(m_trim_threshold, 2**31 - 1))
    except (OSError, AttributeError, TypeError):
        return False


def setup_runtime(args: argparse.Namespace) -> None:
    """Check the device, set the CPU threads and the allocator."""
    if args.device == 'cuda' and not torch.cuda.is_available():
        raise UserInputError('--device cuda: no CUDA device is available')
    if args.threads is not None:
        if args.threads < 1:
            raise UserInputError(
                f'--threads must be >= 1, got {args.threads}')
        torch.set_num_threads(args.threads)
    args.malloc = 'default'
    if not args.default_malloc and keep_freed_memory():
        args.malloc = 'keeps freed memory'


def check_rounds(repeat: int, warmup: int) -> None:
    """``--repeat`` / ``--warmup`` must make sense."""
    if repeat < 1 or warmup < 0:
        raise UserInputError(f'need --repeat >= 1 and --warmup >= 0, got '
                             f'{repeat} and {warmup}')


def timed(fn: Callable[[], Any], device: str) -> float:
    """Seconds ``fn`` takes (waiting for the GPU to finish on CUDA)."""
    if device == 'cuda':
        torch.cuda.synchronize()
    start = time.perf_counter()
    fn()
    if device == 'cuda':
        torch.cuda.synchronize()
    return time.perf_counter() - start


def make_steps(model: nn.Module, shape: Sequence[int], device: str,
               runtime: str = 'torch') -> Dict[str, Callable[[], Any]]:
    """The timed callables of one model: full inference and backbone."""
    batch = synthetic_batch(model, shape)
    with torch.no_grad():
        inputs = model.data_preprocessor(batch, False)['inputs'].to(device)
    if runtime == 'onnxruntime':
        return make_ort_steps(model, batch, inputs)
    test_step = model.test_step
    if runtime in ('torch-graph', 'cuda-graph'):
        from qmimic_mm.deployment import TorchGraphDetector
        test_step = TorchGraphDetector(
            model, cuda_graph=runtime == 'cuda-graph').test_step

    def detector() -> Any:
        with torch.no_grad():
            return test_step(batch)

    def backbone() -> Any:
        with torch.no_grad():
            return model.extract_feat(inputs)

    return dict(detector=detector, backbone=backbone)


def make_ort_steps(model: nn.Module, batch: Dict[str, Any],
                   inputs: torch.Tensor) -> Dict[str, Callable[[], Any]]:
    """The timed callables in ONNX Runtime: the whole exported detector
    (``boundary='detector'``: preprocessing to final NMS in one graph) and
    the exported backbone."""
    import tempfile
    from qmimic_mm.deployment import (ORTDetector, export_backbone_onnx,
                                      export_onnx, ort_session)
    folder = tempfile.mkdtemp(prefix='benchmark_onnx_')
    export_onnx(model, osp.join(folder, 'detector.onnx'),
                batch['inputs'][0][None])
    export_backbone_onnx(model, osp.join(folder, 'backbone.onnx'),
                         inputs.cpu())
    runner = ORTDetector(osp.join(folder, 'detector.onnx'), model)
    session = ort_session(osp.join(folder, 'backbone.onnx'))
    feed = {'inputs': inputs.cpu().numpy()}

    def detector() -> Any:
        return runner.test_step(batch)

    def backbone() -> Any:
        return session.run(None, feed)

    return dict(detector=detector, backbone=backbone)


def run_interleaved(steps: List[Dict[str, Callable[[], Any]]], repeat: int,
                    warmup: int, device: str) -> List[Dict[str, List[float]]]:
    """Time every model's steps, round by round.

    Args:
        steps (list[dict]): Per model, ``{part: callable}``.
        repeat (int): Timed rounds.
        warmup (int): Untimed rounds run first.
        device (str): ``'cpu'`` or ``'cuda'``.

    Returns:
        list[dict]: Per model, ``{part: [seconds per timed round]}``.
    """
    times: List[Dict[str, List[float]]] = [
        {part: [] for part in model_steps} for model_steps in steps
    ]
    num = len(steps)
    for index in range(warmup + repeat):
        # rotate the order so that no model always runs first (cold caches)
        # or always right after the heaviest one
        for offset in range(num):
            i = (index + offset) % num
            for part, step in steps[i].items():
                gc.collect()  # no collector pause inside a timed call
                elapsed = timed(step, device)
                if index >= warmup:
                    times[i][part].append(elapsed)
    return times


def benchmark(configs: Sequence[str],
              checkpoints: Optional[Sequence[Optional[str]]] = None,
              shape: Sequence[int] = DEFAULT_SHAPE,
              repeat: int = 10,
              warmup: int = 2,
              device: str = 'cpu',
              fuse_conv_bn: bool = False,
              with_flops: bool = True,
              cfg_options: Optional[Dict[str, Any]] = None,
              runtime: str = 'torch') -> List[Dict[str, Any]]:
    """Build the configs' detectors and time them side by side.

    Args:
        configs (Sequence[str]): Detector config paths.
        checkpoints (Sequence[str or None], optional): One per config;
            None for random weights.
        shape (Sequence[int]): Image ``(H, W)``.
        repeat (int): Timed rounds.
        warmup (int): Untimed rounds.
        device (str): ``'cpu'`` or ``'cuda'``.
        fuse_conv_bn (bool): Fold batch norm into the convs.
        with_flops (bool): Also count FLOPs / params with :mod:`.flops`.
        cfg_options (dict, optional): Overrides applied to every config.
        runtime (str): One of :data:`RUNTIMES`: ``'torch'``
            (``model.test_step``), ``'torch-graph'`` / ``'cuda-graph'``
            (:class:`~qmimic_mm.deployment.TorchGraphDetector`, the latter
            CUDA only) or ``'onnxruntime'`` (CPU only; the whole detector
            and the backbone exported to ONNX).

    Returns:
        list[dict]: Per config: ``config``, ``params`` (always),
        ``flops`` / ``backbone_flops`` (with ``with_flops``) and, per part
        of :data:`PARTS`, ``<part>_times`` (seconds) and ``<part>_ms``
        (median, milliseconds).
    """
    check_rounds(repeat, warmup)
    if runtime not in RUNTIMES:
        raise UserInputError(f'--runtime must be one of {RUNTIMES}, got '
                             f'{runtime!r}')
    if runtime == 'cuda-graph' and device != 'cuda':
        raise UserInputError('--runtime cuda-graph needs --device cuda')
    if runtime == 'onnxruntime':
        if device != 'cpu':
            raise UserInputError('--runtime onnxruntime runs on the CPU; '
                                 'drop --device cuda')
        from qmimic_mm.deployment import import_onnxruntime
        import_onnxruntime()  # the install hint before any building
    checkpoints = list(checkpoints or [None] * len(configs))
    if len(checkpoints) != len(configs):
        raise UserInputError(f'--checkpoint: got {len(checkpoints)} for '
                             f'{len(configs)} configs; give one per config')
    # all configs first: a typo in the last one fails before any building
    cfgs = [load_detector_config(config, cfg_options) for config in configs]
    for checkpoint in checkpoints:
        check_file(checkpoint, 'checkpoint')
    results, steps = [], []
    for config, cfg, checkpoint in zip(configs, cfgs, checkpoints):
        model = build_detector(cfg, checkpoint, fuse_conv_bn, device)
        result: Dict[str, Any] = dict(
            config=config,
            params=sum(p.numel() for p in model.parameters()))
        if with_flops:
            result.update(count_complexity(model, shape))
        results.append(result)
        steps.append(make_steps(model, shape, device, runtime))
    times = run_interleaved(steps, repeat, warmup, device)
    for result, model_times in zip(results, times):
        for part in PARTS:
            result[f'{part}_times'] = model_times[part]
            result[f'{part}_ms'] = statistics.median(model_times[part]) * 1e3
    return results


def speedups(results: Sequence[Dict[str, Any]], part: str) -> List[float]:
    """Median latency of the first config over each config's."""
    base = results[0][f'{part}_ms']
    return [base / r[f'{part}_ms'] for r in results]


def format_table(results: Sequence[Dict[str, Any]]) -> str:
    """A markdown table of :func:`benchmark`'s results."""
    header = ['config', 'params', 'FLOPs', 'detector (ms)', 'speed-up',
              'backbone (ms)', 'backbone speed-up']
    rows = [header, ['---'] * len(header)]
    det_up, bb_up = speedups(results, 'detector'), speedups(
        results, 'backbone')
    for result, det, bb in zip(results, det_up, bb_up):
        flops = result.get('flops')
        rows.append([
            osp.splitext(osp.basename(result['config']))[0],
            _format_size(result['params']),
            '-' if flops is None else _format_size(flops),
            f'{result["detector_ms"]:.1f}', f'{det:.2f}x',
            f'{result["backbone_ms"]:.1f}', f'{bb:.2f}x'
        ])
    return '\n'.join('| ' + ' | '.join(row) + ' |' for row in rows)


def cpu_name() -> str:
    """The CPU model from ``/proc/cpuinfo`` (Linux), else the platform's."""
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'


def describe_run(args: argparse.Namespace, fuse_conv_bn: bool) -> str:
    """One line saying what was measured, where (after
    :func:`setup_runtime`)."""
    where = (torch.cuda.get_device_name() if args.device == 'cuda' else
             f'{cpu_name()} ({os.cpu_count()} cores), '
             f'{torch.get_num_threads()} thread(s), OMP_WAIT_POLICY='
             f'{os.environ.get("OMP_WAIT_POLICY")}, malloc {args.malloc}')
    return (f'{getattr(args, "runtime", "torch")}, '
            f'input {args.shape[0]}x{args.shape[1]}, median of '
            f'{args.repeat} interleaved rounds after {args.warmup} warm-up, '
            f'{where}, conv+bn {"fused" if fuse_conv_bn else "unfused"}')
