"""Time one training step of a config under several settings, interleaved.

    python tools/analysis_tools/benchmark_train_step.py CONFIG
        [--variant NAME [K=V ...]] [--variant NAME [K=V ...]] ...
        [--steps N] [--warmup N] [--threads N] [--cfg-options K=V ...]

Each ``--variant`` is a name and ``--cfg-options``-style overrides of the
config (on top of the shared ``--cfg-options``); e.g. the fixed-overhead
cuts against the plain implementation::

    python tools/analysis_tools/benchmark_train_step.py \\
        configs/demo/rfcn_vgg1-32_demo.py \\
        --variant before model.backbone.channels_last=False \\
        --variant after

Every variant builds its own runner (same seed, so the same initial
weights), data loader and optimiser wrapper; the steps run in rounds, one
step of each variant per round (A B A B ...), so machine load affects all
of them alike. A step is what ``IterBasedTrainLoop.run_iter`` does without
the hooks: the next batch from the loader, then ``model.train_step``
(preprocess, forward, losses, backward, optimiser step). Prints each
variant's median step time and its ratio to the first variant's.
"""
import argparse
import os
import os.path as osp
import statistics
import sys
import time
from typing import Callable, Dict, List, Sequence, Tuple

# Before torch loads libgomp (see qmimic_mm.analysis.benchmark).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from qmimic_mm.analysis.train_step import \
    build_train_step  # noqa: E402  (first: stack fixes)
import torch  # noqa: E402
from mmengine.config import DictAction  # noqa: E402

from qmimic_mm.utils import (UserInputError, add_debug_flag,  # noqa: E402
                             report_user_errors)

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='detector or distillation config')
    parser.add_argument(
        '--variant', nargs='+', action='append', metavar='NAME [K=V]',
        help='a name and its config overrides; repeat for each variant '
        '(default: one variant, the config as is)')
    parser.add_argument('--steps', type=int, default=30,
                        help='timed steps per variant')
    parser.add_argument('--warmup', type=int, default=3,
                        help='untimed steps per variant first')
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='overrides shared by every variant')
    add_debug_flag(parser)
    return parser.parse_args()


def parse_variant(spec: Sequence[str]) -> Tuple[str, Dict[str, object]]:
    """``['after', 'a.b=1']`` -> ``('after', {'a.b': 1})`` (values parsed
    as ``--cfg-options`` parses them)."""
    name, *items = spec
    bad = [item for item in items if '=' not in item]
    if bad:
        raise UserInputError(f'--variant {name}: {bad[0]!r} is not KEY=VALUE; '
                             f'write --variant NAME KEY=VALUE ...')
    options: Dict[str, object] = {}
    if items:
        parser = argparse.ArgumentParser(add_help=False)
        parser.add_argument('opts', nargs='+', action=DictAction)
        options = vars(parser.parse_args(items))['opts']
    return name, options


def build_step(config: str, options: Dict[str, object],
               seed: int = 0) -> Callable[[], float]:
    """A function that runs one training step of ``config`` with
    ``options`` (next batch + ``train_step``) and returns its seconds."""
    model, loader, optim = build_train_step(config, options, seed,
                                            keep_teacher_weights=True)
    batches = iter(loader)

    def step() -> float:
        start = time.perf_counter()
        model.train_step(next(batches), optim_wrapper=optim)
        return time.perf_counter() - start

    return step


def run(config: str, variants: List[Tuple[str, Dict[str, object]]],
        steps: int = 30, warmup: int = 3,
        shared: Dict[str, object] = None) -> Dict[str, List[float]]:
    """Interleaved step times (seconds) of each variant."""
    fns = [build_step(config, {**(shared or {}), **opts})
           for _, opts in variants]
    times: Dict[str, List[float]] = {name: [] for name, _ in variants}
    for i in range(warmup + steps):
        for (name, _), fn in zip(variants, fns):
            t = fn()
            if i >= warmup:
                times[name].append(t)
    return times


@report_user_errors
def main() -> None:
    args = parse_args()
    if args.steps < 1 or args.warmup < 0:
        raise UserInputError('need --steps >= 1 and --warmup >= 0')
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    variants = [parse_variant(v) for v in (args.variant or [['config']])]
    names = [n for n, _ in variants]
    if len(set(names)) != len(names):
        raise UserInputError(f'--variant names must differ, got {names}')
    times = run(args.config, variants, args.steps, args.warmup,
                args.cfg_options)
    print(f'{os.path.basename(args.config)}: {torch.get_num_threads()} '
          f'thread(s), median of {args.steps} interleaved steps after '
          f'{args.warmup} warm-up, load average '
          f'{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores')
    first = statistics.median(times[names[0]])
    print('| variant | median step (ms) | ratio to ' + names[0] + ' |')
    print('| --- | ---: | ---: |')
    for name, opts in variants:
        med = statistics.median(times[name])
        print(f'| {name} | {1e3 * med:.1f} | {med / first:.3f} |')


if __name__ == '__main__':
    main()
