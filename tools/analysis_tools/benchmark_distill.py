"""Cost of distillation over training the student alone, measured side by side.

    python tools/analysis_tools/benchmark_distill.py CONFIG
        [--batch-size 2] [--shape 600 1000] [--repeat 5] [--warmup 2]
        [--cfg-options K=V ...]

On the same batches, in one run, it times (a) the student's train step
alone, (b) the teacher's feature forward, (c) the full distillation train
step, and prints as last line ``ratio: X`` with ``X = c / (a + b)``: the
overhead of the mimic machinery (recorders, adapter, loss). The teacher's
weights are random (``teacher_ckpt`` is ignored): timing does not need them.
"""
import argparse
import copy
import os
import os.path as osp
import statistics
import sys
import time

# Spin-waiting OpenMP threads distort timings on a shared machine (see
# benchmark.py); set OMP_WAIT_POLICY yourself to override.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import qmimic_mm.all_modules  # noqa: E402,F401  (stack fixes, registries)
import torch  # noqa: E402
from mmdet.testing import demo_mm_inputs  # noqa: E402
from mmengine.config import DictAction  # noqa: E402
from mmengine.optim import OptimWrapper  # noqa: E402
from mmengine.registry import MODELS, DefaultScope  # noqa: E402

from qmimic_mm.utils import prepare_config, report_user_errors  # noqa: E402

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='a distillation config')
    parser.add_argument('--batch-size', type=int, default=2)
    parser.add_argument('--shape', type=int, nargs=2, default=[600, 1000],
                        metavar=('H', 'W'), help='input size (VOC: 600 1000)')
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sgd(model: torch.nn.Module) -> OptimWrapper:
    params = [p for p in model.parameters() if p.requires_grad]
    return OptimWrapper(torch.optim.SGD(params, lr=1e-5, momentum=0.9))


@report_user_errors
def main() -> None:
    args = parse_args()
    cfg = prepare_config(args.config, args.cfg_options, 'none', None)
    cfg.model.teacher_ckpt = None
    DefaultScope.get_instance('benchmark', scope_name='mmdet')
    algorithm = MODELS.build(cfg.model)
    algorithm.train()
    student = copy.deepcopy(algorithm.student)  # same weights, own optimizer
    teacher = algorithm.teacher
    channels = algorithm.data_preprocessor.mean.numel()
    num_classes = getattr(student.roi_head.bbox_head, 'num_classes', 1)
    batch = demo_mm_inputs(
        batch_size=args.batch_size,
        image_shapes=[(channels, *args.shape)] * args.batch_size,
        num_items=[3] * args.batch_size, num_classes=num_classes)

    student_optim, algorithm_optim = sgd(student), sgd(algorithm)

    def student_step():
        student.train_step(batch, student_optim)

    def teacher_forward():
        with torch.no_grad():
            inputs = teacher.data_preprocessor(batch, True)['inputs']
            teacher.extract_feat(inputs)

    def distill_step():
        algorithm.train_step(batch, algorithm_optim)

    steps = dict(student=student_step, teacher=teacher_forward,
                 distill=distill_step)
    times = {name: [] for name in steps}
    for index in range(args.warmup + args.repeat):
        for name, step in steps.items():  # interleaved: same machine state
            elapsed = timed(step)
            if index >= args.warmup:
                times[name].append(elapsed)
    a, b, c = (statistics.median(times[k])
               for k in ('student', 'teacher', 'distill'))
    print(f'input {args.batch_size}x{channels}x{args.shape[0]}x'
          f'{args.shape[1]}, median of {args.repeat} on '
          f'{torch.get_num_threads()} threads')
    print(f'(a) student train step      {a * 1000:9.1f} ms')
    print(f'(b) teacher feature forward {b * 1000:9.1f} ms')
    print(f'(c) distillation train step {c * 1000:9.1f} ms')
    print(f'ratio: {c / (a + b):.3f}')


if __name__ == '__main__':
    main()
