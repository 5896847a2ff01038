"""Executing the demo's plan: train, extract and test every stage with the
project's tools, ``--jobs`` stages side by side in dependency order;
``--skip-existing`` reuses what a previous invocation finished and resumes
an interrupted training."""
import math
import os
import os.path as osp
import queue
import re
import shutil
import threading
import time
from typing import Dict, List, Optional

from qmimic_mm.wider import wider_gt_files
from .demo_distractors import (DEMO_FACES_VERSION, data_version,
                               distractors_file)
from .demo_faces import DEMO_SPLITS, DemoFacesConfig, make_demo_faces
from .plan import (EXTRACT, REPORT_S, TEST, TRAIN, VAL_SPLIT, DemoSettings,
                   Plan, StageRun, test_options)
from .tool_runner import (Console, DemoError, ToolRunner, fmt_duration,
                          format_options)


def ensure_data(settings: DemoSettings, console: Console) -> None:
    """Generate the demo face set unless every split is there.

    The set's own seed stays fixed (the generator's default): ``--seed``
    and ``--seeds`` vary the trainings on one data set.
    """
    needed = [f'wider_face_{s}_bbx_gt.txt' for s in DEMO_SPLITS]
    for split in DEMO_SPLITS[1:]:
        gt_file, setting_files = wider_gt_files(split)
        needed += [gt_file, *setting_files.values()]
    needed += [distractors_file('', s) for s in DEMO_SPLITS]
    present = all(osp.isfile(osp.join(settings.gt_dir, f)) for f in needed)
    if present and all(
            data_version(settings.gt_dir, s) == DEMO_FACES_VERSION
            for s in DEMO_SPLITS):
        console.print(f'[data] using {settings.data_root}')
        return
    if osp.isdir(settings.gt_dir):
        console.print(f'[data] {settings.data_root} was made by an older '
                      f'generator; writing version {DEMO_FACES_VERSION} '
                      f'over it')
    cfg = DemoFacesConfig(num_train=settings.num_train,
                          num_val=settings.num_val,
                          num_test=settings.num_test)
    console.print(f'[data] writing the demo face set to {settings.data_root} '
                  f'({cfg.num_train} train / {cfg.num_val} val / '
                  f'{cfg.num_test} test images, data seed {cfg.seed})')
    stats = make_demo_faces(settings.data_root, cfg, progress=False)
    console.print('[data] ' + ', '.join(f'{k}={v}' for k, v in stats.items()))


def is_fresh(output: str, *inputs: str) -> bool:
    """``output`` exists and is not older than any of ``inputs``."""
    if not osp.exists(output):
        return False
    mtime = osp.getmtime(output)
    return all(osp.getmtime(i) <= mtime for i in inputs if osp.exists(i))


def reusable(run: StageRun, plan: Plan) -> bool:
    """``--skip-existing`` and the run's checkpoint is newer than its
    inputs."""
    return plan.settings.skip_existing and is_fresh(run.checkpoint,
                                                    *run.inputs)


def resumable(run: StageRun) -> bool:
    """Whether the run's work dir holds an unfinished run of this length
    (mmengine's ``last_checkpoint`` names an ``iter_<n>.pth``, n < max)."""
    pointer = osp.join(run.work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return False
    with open(pointer) as f:
        last = f.read().strip()
    match = re.search(r'iter_(\d+)\.pth$', last)
    return bool(match) and osp.isfile(last) and \
        int(match.group(1)) < run.max_iters


def _done_marker(run: StageRun, split: str) -> str:
    """Written once the predictions on ``split`` are complete."""
    return run.pred_dir(split) + '.done'


def run_stage(run: StageRun, plan: Plan, tools: ToolRunner) -> None:
    """Train (unless reusable), extract a distilled student, evaluate.

    The training's last validation writes the val predictions; the other
    splits are tested with ``tools/test.py``, a distilled student with the
    plain student config and the extracted weights (the deployment path).
    A split is evaluated again only when its predictions are older than the
    checkpoint.
    """
    settings = plan.settings
    prefix = f'[{run.index}/{len(plan.runs)} {run.id}]'
    if reusable(run, plan):
        tools.console.print(f'{prefix} reusing {run.checkpoint}')
    else:
        # Fresh and present even if the model detects nothing at all.
        shutil.rmtree(run.pred_dir(VAL_SPLIT), ignore_errors=True)
        os.makedirs(run.pred_dir(VAL_SPLIT))
        train_args = [run.stage.config, '--work-dir', run.work_dir]
        if settings.skip_existing and resumable(run):
            train_args.append('--resume')  # an interrupted run goes on
        tools.run(TRAIN, train_args + format_options(run.options),
                  osp.join(run.work_dir, 'train.log'), prefix)
        if not osp.isfile(run.checkpoint):
            raise DemoError(f'{TRAIN} finished without {run.checkpoint}')
        run.trained = True
        with open(_done_marker(run, VAL_SPLIT), 'w') as f:
            f.write(f'{run.checkpoint} (last validation of training)\n')

    pending = [s for s in run.stage.splits
               if not is_fresh(_done_marker(run, s), run.checkpoint)]
    if pending and run.distilled and not is_fresh(run.test_checkpoint,
                                                  run.checkpoint):
        tools.run(EXTRACT, [run.checkpoint, run.test_checkpoint],
                  osp.join(run.work_dir, 'extract.log'), prefix)
    for split in pending:
        shutil.rmtree(run.pred_dir(split), ignore_errors=True)
        options = test_options(settings, split, run.pred_dir(split))
        tools.run(TEST, [
            run.test_config, run.test_checkpoint, '--work-dir',
            osp.join(run.work_dir, f'test_{split}')
        ] + format_options(options),
                  osp.join(run.work_dir, f'test_{split}.log'), prefix)
        with open(_done_marker(run, split), 'w') as f:
            f.write(f'{run.test_checkpoint}\n')


class Scheduler:
    """Runs the plan's stages in dependency order, ``jobs`` at a time, with
    a header per stage (elapsed time, estimated time left).

    Args:
        plan: The runs, in start priority order.
        tools: Runs the tools.
        start: ``time.time()`` when the demo started.
    """

    def __init__(self, plan: Plan, tools: ToolRunner, start: float) -> None:
        self.plan, self.tools, self.start = plan, tools, start
        self.runs = plan.runs
        self.jobs = plan.settings.jobs
        self.events: queue.Queue = queue.Queue()

    def _speed_factor(self) -> float:
        """Measured / estimated time of the stages trained so far."""
        done = [r for r in self.runs.values() if r.trained and r.finished]
        if not done:
            return 1.0
        return (sum(r.finished - r.started for r in done) /
                sum(r.estimate_s for r in done))

    def remaining_s(self, now: float) -> float:
        """Replay the scheduler on the corrected estimates: time left,
        the report included."""
        factor = self._speed_factor()
        finish: Dict[str, float] = {}
        free_at = []  # when each job slot frees up
        for run in self.runs.values():
            if run.finished:
                finish[run.id] = now
            elif run.started:
                left = max(5.0, run.estimate_s * factor - (now - run.started))
                finish[run.id] = now + left
                free_at.append(now + left)
        free_at += [now] * max(0, self.jobs - len(free_at))
        pending = [k for k in self.runs if k not in finish]
        while pending:
            slot = min(range(len(free_at)), key=free_at.__getitem__)
            t = free_at[slot]
            ready = [k for k in pending
                     if all(finish.get(d, math.inf) <= t
                            for d in self.runs[k].depends)]
            if not ready:  # idle until the next dependency finishes
                free_at[slot] = min(
                    (f for f in finish.values() if f > t), default=t + 1.0)
                continue
            key = ready[0]
            finish[key] = t + self.runs[key].estimate_s * factor
            free_at[slot] = finish[key]
            pending.remove(key)
        report = REPORT_S * len(self.plan.settings.seed_list) * factor
        return max(finish.values(), default=now) - now + report

    def _header(self, run: StageRun) -> None:
        now = time.time()
        what = ('finished before' if reusable(run, self.plan) else
                f'{run.max_iters} iters, {run.stage.config}')
        seed = f', seed {run.seed}' if run.stage.per_seed else ''
        self.tools.console.print(
            f'\n[stage {run.index}/{len(self.runs)}] {run.stage.title}{seed} '
            f'({what}) | elapsed {fmt_duration(now - self.start)} | est. '
            f'remaining ~{fmt_duration(self.remaining_s(now))}')

    def _worker(self, run: StageRun) -> None:
        try:
            run_stage(run, self.plan, self.tools)
        except BaseException as exc:  # reported by the main thread
            run.error = exc
        run.finished = time.time()
        self.events.put(run)

    def _ready(self, run: StageRun) -> bool:
        return all(self.runs[d].finished and not self.runs[d].error
                   for d in run.depends)

    def run(self) -> None:
        """Run every stage; raise the first failure after stopping the
        others."""
        pending = list(self.runs.values())
        active: List[StageRun] = []
        failed: Optional[StageRun] = None
        while pending or active:
            if failed is None:
                for run in [r for r in pending if self._ready(r)]:
                    if len(active) >= self.jobs:
                        break
                    pending.remove(run)
                    run.started = time.time()
                    self._header(run)
                    active.append(run)
                    if self.jobs == 1:
                        self._worker(run)
                    else:
                        threading.Thread(target=self._worker, args=(run, ),
                                         daemon=True).start()
            if not active:
                break
            finished = self.events.get()
            active.remove(finished)
            if finished.error is not None:
                if failed is None:
                    self.tools.terminate_all()
                failed = failed or finished
                pending.clear()
            else:
                took = finished.finished - finished.started
                self.tools.console.print(
                    f'[{finished.index}/{len(self.runs)} {finished.id}] '
                    f'done in {fmt_duration(took)}')
        if failed is not None:
            raise failed.error
