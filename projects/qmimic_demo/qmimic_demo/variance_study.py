"""Which training settings lower the students' seed spread (on val only).

Reruns the scratch and Quantization Mimic students of a finished claims run
(``tools/demo.py --claims qm-vs-scratch ... --work-dir W``) under variants of
their schedule, on the same seeds and teachers, and compares each variant
with the run's own students of those seeds: mean and seed std of val AP,
the paired difference, and the measured training time. Each variant starts
from the config the claims run dumped for that seed (data, seed, teacher
checkpoint), changed only where :data:`VARIANTS` says.
"""
import json
import os
import os.path as osp
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from glob import glob
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config

from .paired import format_interval, pair
from .stats import Cell
from .tool_runner import thread_env

SETTINGS = ('easy', 'medium', 'hard')
#: Students of the claims run: (label, stage folder).
MODELS: Tuple[Tuple[str, str], ...] = (
    ('scratch', 'rfcn_vgg1-32_demo'),
    ('Quantization Mimic', 'qmimic_rfcn_vgg1-32_demo'),
)


def _with_ema(cfg: Config) -> None:
    # mmdet's EMAHook with ExpMomentumEMA (as RTMDet and YOLOX use it),
    # gamma scaled to the 2000-iteration schedule: the momentum falls to
    # its floor 0.002 (a window of about 500 iterations, the last lr step)
    # within the first quarter. Val and the saved checkpoint use the EMA.
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
        dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.002,
             gamma=100, update_buffers=True, priority=49)
    ]


def _batch(size: int, lr: float) -> Callable[[Config], None]:
    """Batch ``size`` at ``lr`` for the same number of epochs (the
    iterations, the lr step and the warm-ups scaled by the config's batch
    size / ``size``)."""

    def apply(cfg: Config) -> None:
        scale = cfg.train_dataloader.batch_size / size
        iters = int(cfg.train_cfg.max_iters * scale)
        cfg.train_dataloader.batch_size = size
        cfg.optim_wrapper.optimizer.lr = lr
        cfg.train_cfg.max_iters = iters
        cfg.train_cfg.val_interval = iters
        for sched in cfg.param_scheduler:
            if sched.type == 'MultiStepLR':
                sched.end = iters
                sched.milestones = [int(m * scale) for m in sched.milestones]
        for hook in cfg.get('custom_hooks', []):
            if 'warmup_iters' in hook:
                hook.warmup_iters = int(hook.warmup_iters * scale)

    return apply


@dataclass(frozen=True)
class Variant:
    """One change of the students' schedule.

    Attributes:
        name: Folder and row name.
        description: What it changes, for the table.
        apply: Edits a dumped student config in place.
    """

    name: str
    description: str
    apply: Callable[[Config], None]


VARIANTS: Tuple[Variant, ...] = (
    Variant('ema', 'EMA weights (EMAHook, ExpMomentumEMA 0.002)', _with_ema),
    Variant('batch4-lr0.1', 'batch 4, lr 0.1, 1000 iterations',
            _batch(4, 0.1)),
    Variant('batch4-lr0.2', 'batch 4, lr 0.2 (linear scaling), 1000 '
            'iterations', _batch(4, 0.2)),
)


def _logged_rows(stage_dir: str) -> Iterator[List[dict]]:
    """The rows of each ``scalars.json`` a training wrote in ``stage_dir``,
    newest run first."""
    for scalars in sorted(glob(osp.join(stage_dir, '*', 'vis_data',
                                        'scalars.json')), reverse=True):
        with open(scalars) as f:
            yield [json.loads(line) for line in f]


def val_ap(stage_dir: str) -> Optional[Dict[str, float]]:
    """The last val AP a training logged in ``stage_dir``; None if none."""
    for rows in _logged_rows(stage_dir):
        evals = [r for r in rows if 'wider/easy' in r]
        if evals:
            return {s: evals[-1][f'wider/{s}'] for s in SETTINGS}
    return None


def train_seconds(stage_dir: str) -> Optional[float]:
    """Training time from the log: the logged seconds per iteration (each
    averaged over its logging interval) times the interval."""
    for rows in _logged_rows(stage_dir):
        steps = [r for r in rows if 'time' in r and 'iter' in r
                 and 'wider/easy' not in r]
        if steps:
            total, last = 0.0, 0
            for r in steps:
                total += r['time'] * (r['iter'] - last)
                last = r['iter']
            return total
    return None


def dumped_config(stage_dir: str) -> str:
    """The config a claims-run stage trained with."""
    found = sorted(glob(osp.join(stage_dir, '*', 'vis_data', 'config.py')))
    if not found:
        raise FileNotFoundError(f'no trained config under {stage_dir}; run '
                                'tools/demo.py --claims qm-vs-scratch first')
    return found[-1]


def train_variant(repo: str, claims_dir: str, out_dir: str, variant: Variant,
                  seed: int, stage: str, env: Dict[str, str]) -> str:
    """Train one (variant, seed, student) unless done, with the tools'
    environment ``env``; returns its folder."""
    work_dir = osp.join(out_dir, variant.name, f'seed{seed}', stage)
    if val_ap(work_dir) is not None:
        return work_dir
    cfg = Config.fromfile(
        dumped_config(osp.join(claims_dir, f'seed{seed}', stage)))
    variant.apply(cfg)
    cfg.work_dir = work_dir
    cfg.val_evaluator.pred_dir = osp.join(work_dir, 'preds_val')
    os.makedirs(work_dir, exist_ok=True)
    cfg_file = osp.join(work_dir, f'{stage}.py')
    cfg.dump(cfg_file)
    with open(osp.join(work_dir, 'train.log'), 'w') as log:
        subprocess.run([sys.executable, 'tools/train.py', cfg_file],
                       cwd=repo, env=env, stdout=log,
                       stderr=subprocess.STDOUT, check=True)
    return work_dir


def report(claims_dir: str, out_dir: str, seeds: Sequence[int]) -> str:
    """Markdown: per variant and student, val AP mean ± std over the seeds
    and the paired difference from the claims run's students."""
    lines = [
        '| Student | Variant | Train time / run (s) | Easy | Medium | Hard '
        '| Easy: variant - base, paired 95% interval |',
        '|---|---|---:|---:|---:|---:|---|'
    ]
    for label, stage in MODELS:
        dirs = {None: [osp.join(claims_dir, f'seed{k}', stage) for k in seeds]}
        for v in VARIANTS:
            dirs[v.name] = [osp.join(out_dir, v.name, f'seed{k}', stage)
                            for k in seeds]
        aps_of = {name: [val_ap(d) for d in ds] for name, ds in dirs.items()}
        base_easy = Cell([a['easy'] if a else float('nan')
                          for a in aps_of[None]], tuple(seeds))
        rows = [('base: batch 2, lr 0.1, 2000 iterations', None)]
        rows += [(v.description, v.name) for v in VARIANTS]
        for desc, name in rows:
            cells = {s: Cell([a[s] if a else float('nan')
                              for a in aps_of[name]], tuple(seeds))
                     for s in SETTINGS}
            spent = [t for t in map(train_seconds, dirs[name]) if t]
            secs = f'{sum(spent) / len(spent):.0f}' if spent else '-'
            if name is None:
                diff = '-'
            else:
                d = pair(cells['easy'], base_easy)
                diff = (f'{d.mean:+.3f} {format_interval(*d.interval)}'
                        if d.n >= 2 else 'n/a')
            lines.append(f'| {label} | {desc} | {secs} | ' +
                         ' | '.join(cells[s].format() for s in SETTINGS) +
                         f' | {diff} |')
    return '\n'.join(lines) + '\n'


def run_study(repo: str, claims_dir: str, out_dir: str, seeds: Sequence[int],
              jobs: int = 2) -> str:
    """Train every (variant, seed, student) not yet done, ``jobs`` side by
    side, and write ``out_dir/variance_study.md``; returns its text."""
    # seeds outermost: a study stopped early still has every variant
    tasks = [(v, k, stage) for k in seeds for v in VARIANTS
             for _, stage in MODELS]
    env = thread_env(jobs, gpu=torch.cuda.is_available())
    with ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(train_variant, repo, claims_dir, out_dir, *t,
                               env): t for t in tasks}
        for fut, (v, k, stage) in futures.items():
            fut.result()
            print(f'done {v.name} seed{k} {stage}', flush=True)
    text = report(claims_dir, out_dir, seeds)
    with open(osp.join(out_dir, 'variance_study.md'), 'w') as f:
        f.write(text)
    return text
