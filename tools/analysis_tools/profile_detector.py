"""Where the time goes: inference and one training step, part by part.

    python tools/analysis_tools/profile_detector.py CONFIG
        [--mode inference|train|both] [--checkpoint CKPT] [--shape H W]
        [--repeat N] [--warmup N] [--threads N] [--fuse-conv-bn]
        [--runtime torch|onnxruntime] [--cfg-options K=V ...]

Uses ``torch.profiler`` (:mod:`qmimic_mm.analysis.stage_profiler`): each
part below is a method of the model, wrapped in a profiler range while the
tool runs; a part's time excludes the parts nested in it; ``other`` is what
no part covers, so the column adds up to ``total``. Times are means over
``--repeat`` profiled calls after ``--warmup`` untimed ones; the profiler
adds a few microseconds per op, so compare parts, not absolute totals with
``benchmark.py``.

* inference (``test_step`` on one random image of ``--shape``, random
  weights unless ``--checkpoint``): preprocess, backbone, RPN head,
  proposals (decode + NMS), R-FCN score maps, RoI pooling (PS-RoI), R-FCN
  voting, box decoding + NMS, post-processing; with ``--runtime
  onnxruntime`` the whole detector is exported to one ONNX graph
  (:class:`qmimic_mm.deployment.RFCNDetectionGraph`) and the same parts
  come from ONNX Runtime's per-node profiler, by node name
  (:mod:`qmimic_mm.analysis.ort_profile`); the session call and the Python
  around it are ``other (session call, Python)``;
* train (one optimiser step on the config's training data; a detector or
  a distillation config): data loading, preprocess, student backbone, RPN
  head / targets + loss / proposals, RoI assign, OHEM / RoI sampling, score
  maps, PS-RoI pooling, voting, R-CNN targets + loss, teacher
  ``extract_feat``, mimic loss, losses (parse), backward, optimizer step.
"""
import argparse
import os
import os.path as osp
import statistics
import sys
import tempfile
import time

# Before torch loads libgomp (see qmimic_mm.analysis.benchmark).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from qmimic_mm.analysis.flops import (  # noqa: E402  (first: stack fixes)
    DEFAULT_SHAPE, build_detector, load_detector_config,
    synthetic_batch)
import torch  # noqa: E402
from mmengine.config import DictAction  # noqa: E402

from qmimic_mm.analysis.benchmark import keep_freed_memory  # noqa: E402
from qmimic_mm.analysis.ort_profile import graph_part_times  # noqa: E402
from qmimic_mm.analysis.train_step import build_train_step  # noqa: E402
from qmimic_mm.analysis.stage_profiler import (  # noqa: E402
    INFERENCE_PARTS, TRAIN_PARTS, StageProfiler, format_parts, parts_of)
from qmimic_mm.utils import (UserInputError, add_debug_flag,  # noqa: E402
                             report_user_errors)

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='detector or distillation config')
    parser.add_argument('--mode', choices=['inference', 'train', 'both'],
                        default='both')
    parser.add_argument('--checkpoint', help='weights for inference '
                        '(default: random)')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=list(DEFAULT_SHAPE),
        metavar=('H', 'W'), help='inference image size (default: 768 1024)')
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument('--fuse-conv-bn', action='store_true',
                        help='inference: fold batch norm into the convs')
    parser.add_argument(
        '--runtime', choices=['torch', 'onnxruntime'], default='torch',
        help='inference: model.test_step in PyTorch, or the whole detector '
        'exported to ONNX, in ONNX Runtime')
    parser.add_argument(
        '--device', choices=['cpu', 'cuda'], default='cpu',
        help='inference in PyTorch: where to run. On a GPU the parts are '
        'host time (launches, syncs): right for a launch-bound detector, '
        'not for a compute-bound one')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    add_debug_flag(parser)
    return parser.parse_args()


#: What the ONNX Runtime profile does not cover: the session call, the
#: rescale to the original image and the data sample (Python).
ORT_OTHER = 'other (session call, Python)'


def profile_inference(config: str, checkpoint: str = None,
                      shape=DEFAULT_SHAPE, repeat: int = 5, warmup: int = 2,
                      fuse_conv_bn: bool = False,
                      cfg_options: dict = None,
                      runtime: str = 'torch', device: str = 'cpu') -> dict:
    """Per-part milliseconds of ``test_step`` on one random image, in
    PyTorch (on ``device``) or (``runtime='onnxruntime'``) as the exported
    detector graph in ONNX Runtime."""
    if device == 'cuda' and (runtime != 'torch'
                             or not torch.cuda.is_available()):
        raise UserInputError('--device cuda needs a CUDA device and '
                             '--runtime torch')
    cfg = load_detector_config(config, cfg_options)
    model = build_detector(cfg, checkpoint, fuse_conv_bn, device)
    batch = synthetic_batch(model, shape)
    if runtime == 'onnxruntime':
        return profile_onnxruntime(model, batch, osp.basename(config),
                                   repeat, warmup)
    profiler = StageProfiler(parts_of(model, INFERENCE_PARTS))

    def step() -> None:
        model.test_step(batch)
        if device == 'cuda':
            torch.cuda.synchronize()

    with torch.no_grad():
        return profiler.run(step, repeat, warmup)


def profile_onnxruntime(model: torch.nn.Module, batch: dict, name: str,
                        repeat: int, warmup: int) -> dict:
    """Per-part milliseconds of the whole detector exported to ONNX
    (``boundary='detector'``): ONNX Runtime's own profiler times every
    node, and the node names give the parts (:data:`GRAPH_PARTS`); the
    rest of the wall time of a call is :data:`ORT_OTHER`."""
    from qmimic_mm.deployment import (ORTDetector, export_onnx,
                                      import_onnxruntime)
    from qmimic_mm.deployment.rfcn_graph import GRAPH_PARTS
    import_onnxruntime()  # the install hint before exporting
    folder = tempfile.mkdtemp(prefix='profile_onnx_')
    onnx_file = osp.join(folder, 'detector.onnx')
    export_onnx(model, onnx_file, batch['inputs'][0][None], name)
    runner = ORTDetector(onnx_file, model,
                         profile_prefix=osp.join(folder, 'ort_profile'))
    totals = []
    for i in range(warmup + repeat):
        start = time.perf_counter()
        runner.test_step(batch)
        if i >= warmup:
            totals.append((time.perf_counter() - start) * 1e3)
    times = graph_part_times(runner.session.end_profiling(), repeat,
                             GRAPH_PARTS)
    times['total'] = statistics.mean(totals)
    times[ORT_OTHER] = times['total'] - sum(
        v for k, v in times.items() if k != 'total')
    return times


def profile_train_step(config: str, repeat: int = 5, warmup: int = 2,
                       cfg_options: dict = None) -> dict:
    """Per-part milliseconds of one training step (data to optimizer)."""
    model, loader, optim = build_train_step(config, cfg_options)
    student = getattr(model, 'student', model)
    parts = parts_of(student, TRAIN_PARTS)
    parts.append(('preprocess', model.data_preprocessor, 'forward'))
    teacher = getattr(model, 'teacher', None)
    if teacher is not None:
        parts.append(('teacher extract_feat', teacher, 'extract_feat'))
        parts.append(('mimic loss', getattr(model, 'distiller', None),
                      'compute_distill_losses'))
    parts += [('losses (parse)', model, 'parse_losses'),
              ('backward', optim, 'backward'),
              ('optimizer step', optim, 'step'),
              ('optimizer step', optim, 'zero_grad')]
    batches = iter(loader)

    def next_batch():
        return next(batches)

    holder = type('DataSource', (), {})()
    holder.next_batch = next_batch
    parts.insert(0, ('data loading', holder, 'next_batch'))

    def step() -> None:
        data = holder.next_batch()
        data = model.data_preprocessor(data, True)
        losses = model(**data, mode='loss')
        loss, _ = model.parse_losses(losses)
        optim.backward(loss)
        optim.step()
        optim.zero_grad()

    return StageProfiler(parts).run(step, repeat, warmup)


@report_user_errors
def main() -> None:
    args = parse_args()
    if args.repeat < 1 or args.warmup < 0:
        raise UserInputError('need --repeat >= 1 and --warmup >= 0')
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    keep_freed_memory()
    name = osp.basename(args.config)
    print(f'{name}: {torch.get_num_threads()} thread(s), mean of '
          f'{args.repeat} profiled calls after {args.warmup} warm-up')
    if args.mode in ('inference', 'both'):
        times = profile_inference(args.config, args.checkpoint, args.shape,
                                  args.repeat, args.warmup,
                                  args.fuse_conv_bn, args.cfg_options,
                                  args.runtime, args.device)
        print(f'\ninference ({args.runtime}), {args.shape[0]}x'
              f'{args.shape[1]}, conv+bn '
              f'{"fused" if args.fuse_conv_bn else "unfused"}:')
        print(format_parts(times))
    if args.mode in ('train', 'both'):
        times = profile_train_step(args.config, args.repeat, args.warmup,
                                   args.cfg_options)
        print('\none training step (train_dataloader batch):')
        print(format_parts(times))


if __name__ == '__main__':
    main()
