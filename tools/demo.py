"""The main job (`make demo`): Quantization Mimic end to end on small data.

    python tools/demo.py [--work-dir work_dirs/demo] [--data-root DIR]
                         [--iters-scale 1.0] [--skip-existing] [--seed 0]
                         [--jobs 2] [--verbose]

Reproduces the WIDER FACE pipeline of Wei et al. (ECCV 2018, Sec. 3.3 and
4.1) at CPU size, with the project's own tools as a user would run them:

1. writes the synthetic face set (official WIDER FACE layout) into
   ``data/demo_faces/`` if it is missing (``make_demo_faces``, fixed seed);
2. trains six models with ``tools/train.py`` on the ``configs/demo/`` configs
   (the real configs at demo size): the R-FCN VGG-1-4 teacher (fp), its
   quantized finetune (Sec. 3.3), and the tiny VGG-1-32 student from
   scratch, with quantization only (Table 5), with Li et al.'s mimic of the
   fp teacher (Eq. 5) and with Quantization Mimic of the quantized teacher
   (Eq. 6); independent stages run side by side (``--jobs``);
3. evaluates every model with ``tools/test.py`` (WIDER easy / medium / hard
   AP); distilled students are first extracted with
   ``tools/model_converters/extract_student.py`` and tested with the plain
   student config;
4. measures the per-RoI matching ratio of both mimic pairs
   (``tools/analysis_tools/matching_ratio.py``, Fig. 5);
5. writes ``results.md`` (AP table; each paper claim "held" / "not held"
   with its numbers), PR curves per setting with all models, and the
   matching-ratio histogram, and prints ``results.md``.

Every tool's full output goes to ``<work-dir>/<stage>/*.log``; the console
shows each stage's header (elapsed time, estimated time left) and mmengine's
progress lines (with their eta).
"""
import argparse
import math
import os
import os.path as osp
import platform
import queue
import re
import runpy
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, List, Optional, Sequence, Tuple

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

from mmengine.config import Config  # noqa: E402

from qmimic_mm.datasets.demo_faces import (DemoFacesConfig,  # noqa: E402
                                           make_demo_faces)
from qmimic_mm.evaluation.functional.wider_eval import (  # noqa: E402
    WIDER_SETTINGS, evaluate_wider, load_wider_ground_truth,
    plot_wider_pr_comparison, read_wider_predictions)

DEFAULT_DATA_ROOT = osp.join(REPO, 'data', 'demo_faces')
DEFAULT_WORK_DIR = osp.join(REPO, 'work_dirs', 'demo')
STUDENT_CONFIG = 'configs/demo/rfcn_vgg1-32_demo.py'

TRAIN = 'tools/train.py'
TEST = 'tools/test.py'
EXTRACT = 'tools/model_converters/extract_student.py'
MATCHING_RATIO = 'tools/analysis_tools/matching_ratio.py'

#: Seconds of one teacher training iteration on one free CPU core; the
#: first estimate of the time left, corrected by every finished stage.
TEACHER_ITER_S = 0.18
#: Seconds per stage outside the training loop (start-ups, val, test).
STAGE_OVERHEAD_S = 20.0
#: Seconds of the final step (two matching-ratio runs, plots).
REPORT_S = 20.0


@dataclass(frozen=True)
class Stage:
    """One model of the demo.

    Attributes:
        key: Short name (log prefix, results keys).
        title: Row label of the results table.
        config: Demo config, relative to the repository.
        iter_cost: Seconds of one iteration relative to the teacher's.
        load_from: Stage whose checkpoint initialises this one.
        teacher: Stage whose checkpoint is the distillation teacher.
    """

    key: str
    title: str
    config: str
    iter_cost: float
    load_from: Optional[str] = None
    teacher: Optional[str] = None

    @property
    def depends(self) -> Tuple[str, ...]:
        return tuple(k for k in (self.load_from, self.teacher) if k)

    @property
    def name(self) -> str:
        """Config name, also the stage's folder in the work dir."""
        return osp.splitext(osp.basename(self.config))[0]


STAGES: Tuple[Stage, ...] = (
    Stage('teacher', 'Teacher R-FCN VGG-1-4 (fp)',
          'configs/demo/rfcn_vgg1-4_demo.py', 1.0),
    Stage('teacher_q', 'Teacher R-FCN VGG-1-4, quantized finetune',
          'configs/demo/rfcn_vgg1-4-quant_demo.py', 1.0,
          load_from='teacher'),
    Stage('scratch', 'Student VGG-1-32 from scratch', STUDENT_CONFIG, 0.25),
    Stage('q_only', 'Student VGG-1-32, quantization only (Table 5)',
          'configs/demo/rfcn_vgg1-32-quant_demo.py', 0.25),
    Stage('mimic', 'Student VGG-1-32, mimic (Li et al., fp teacher)',
          'configs/demo/mimic_rfcn_vgg1-32_demo.py', 0.6,
          teacher='teacher'),
    Stage('qmimic', 'Student VGG-1-32, Quantization Mimic (Q teacher)',
          'configs/demo/qmimic_rfcn_vgg1-32_demo.py', 0.6,
          teacher='teacher_q'),
)
#: Start order when several stages are ready: the longest chain first.
PRIORITY = ('teacher', 'teacher_q', 'qmimic', 'scratch', 'q_only', 'mimic')


class DemoError(RuntimeError):
    """A step failed; the message names its log."""


def fmt_duration(seconds: float) -> str:
    """``754.2`` -> ``'12m34s'``."""
    seconds = max(0, int(round(seconds)))
    return (f'{seconds // 60}m{seconds % 60:02d}s'
            if seconds >= 60 else f'{seconds}s')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--work-dir', default=DEFAULT_WORK_DIR,
                        help='where checkpoints, logs and results go')
    parser.add_argument(
        '--data-root', default=DEFAULT_DATA_ROOT,
        help='the demo face set (WIDER FACE layout); generated if missing')
    parser.add_argument(
        '--iters-scale', type=float, default=1.0,
        help='multiply every iteration count (schedule, warmup, '
        'checkpoint and log intervals) by this')
    parser.add_argument(
        '--skip-existing', action='store_true',
        help='reuse finished stages (checkpoints, evaluations) and resume '
        'an interrupted one')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the data and of every training')
    parser.add_argument(
        '--jobs', type=int, default=min(2, os.cpu_count() or 1),
        help='stages trained side by side (one CPU thread each unless '
        'OMP_NUM_THREADS is set)')
    parser.add_argument('--verbose', action='store_true',
                        help='print every line of the tools, not only '
                        'progress')
    # Hidden: tiny data for the smoke test, and running the tools inside
    # this process (no interpreter start-up per tool) for the same reason.
    parser.add_argument('--num-train', type=int, default=200,
                        help=argparse.SUPPRESS)
    parser.add_argument('--num-val', type=int, default=60,
                        help=argparse.SUPPRESS)
    parser.add_argument('--in-process', action='store_true',
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.iters_scale > 0:
        parser.error('--iters-scale must be > 0')
    if args.jobs < 1:
        parser.error('--jobs must be >= 1')
    args.work_dir = osp.abspath(args.work_dir)
    args.data_root = osp.abspath(args.data_root)
    if args.in_process:
        args.jobs = 1  # one interpreter cannot run two tools at once
    return args


# --------------------------------------------------------------- tool runs
class Console:
    """Thread-safe printing: stages running side by side share stdout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def print(self, text: str = '') -> None:
        with self._lock:
            print(text, flush=True)


_MMENGINE_PREFIX = re.compile(r'^\d\d/\d\d \d\d:\d\d:\d\d - mmengine - \w+ - ')
_PROGRESS = re.compile(r'Iter\((train|val)\)\s*\[\s*(\d+)/(\d+)\]')
_FIELDS = re.compile(r'\s(eta|time|loss|wider/\w+): (\S+)')


def progress_line(line: str) -> Optional[str]:
    """The short form of an mmengine log line worth showing, else None.

    Training lines keep their counter, eta, time and total loss; of the
    validation only the final metrics line is shown.
    """
    line = _MMENGINE_PREFIX.sub('', line.rstrip())
    match = _PROGRESS.search(line)
    if match:
        fields = dict(_FIELDS.findall(line))
        if match.group(1) == 'train':
            keep = ('eta', 'time', 'loss')
        elif any(k.startswith('wider/') for k in fields):
            keep = tuple(k for k in fields if k.startswith('wider/'))
        else:
            return None
        shown = '  '.join(f'{k}: {fields[k]}' for k in keep if k in fields)
        return f'{match.group(0)}  {shown}'
    if line.startswith(('error:', 'Traceback')) or 'Error:' in line:
        return line
    return None


class ToolRunner:
    """Runs the project's tools as subprocesses (what users run) or, for the
    smoke test, inside this interpreter."""

    def __init__(self, console: Console, in_process: bool,
                 verbose: bool) -> None:
        self.console = console
        self.in_process = in_process
        self.verbose = verbose
        self.env = dict(os.environ, PYTHONUNBUFFERED='1')
        self.env['PYTHONPATH'] = os.pathsep.join(
            p for p in (REPO, os.environ.get('PYTHONPATH')) if p)
        # Two OpenMP threads per process on a shared 2-core machine spin at
        # every barrier while another process holds a core: measured 25x
        # slower per iteration than one thread. One thread per stage, two
        # stages side by side, uses both cores without that cliff.
        self.env.setdefault('OMP_NUM_THREADS', '1')
        self.env.setdefault('MKL_NUM_THREADS', self.env['OMP_NUM_THREADS'])
        self._procs: set = set()
        self._lock = threading.Lock()

    def terminate_all(self) -> None:
        """Stop the tools still running (another stage failed)."""
        with self._lock:
            for proc in self._procs:
                proc.terminate()

    def command_text(self, tool: str, args: Sequence[str]) -> str:
        quoted = [a if re.fullmatch(r'[\w./=:,\-\[\]+]+', a) else repr(a)
                  for a in args]
        return ' '.join(['python', tool, *quoted])

    def run(self, tool: str, args: Sequence[str], log_file: str,
            prefix: str) -> None:
        """Run ``tool`` with ``args``; its output goes to ``log_file``.

        Raises:
            DemoError: The tool failed; with the tail of its output.
        """
        os.makedirs(osp.dirname(log_file), exist_ok=True)
        self.console.print(f'{prefix} $ {self.command_text(tool, args)}')
        if self.in_process:
            self._run_in_process(tool, args, log_file)
            return
        tail: deque = deque(maxlen=25)
        with open(log_file, 'w') as log, subprocess.Popen(
                [sys.executable, tool, *args], cwd=REPO, env=self.env,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                bufsize=1) as proc:
            with self._lock:
                self._procs.add(proc)
            for line in proc.stdout:
                log.write(line)
                tail.append(line.rstrip())
                shown = line.rstrip() if self.verbose else progress_line(line)
                if shown:
                    self.console.print(f'{prefix}   {shown}')
            code = proc.wait()
            with self._lock:
                self._procs.discard(proc)
        if code != 0:
            raise DemoError(
                f'{tool} failed (exit {code}); full output in {log_file}; '
                'its last lines:\n' + '\n'.join(tail))

    def _run_in_process(self, tool: str, args: Sequence[str],
                        log_file: str) -> None:
        argv, cwd = sys.argv, os.getcwd()
        sys.argv = [tool, *args]
        os.chdir(REPO)
        try:
            runpy.run_path(osp.join(REPO, tool), run_name='__main__')
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise DemoError(f'{tool} failed (exit {exc.code})') from None
        finally:
            sys.argv = argv
            os.chdir(cwd)
        with open(log_file, 'w') as log:
            log.write('(run in-process; the output went to the console)\n')


# ------------------------------------------------------------ data & config
def ensure_data(args: argparse.Namespace, console: Console) -> None:
    """Generate the demo face set unless it is there."""
    split = osp.join(args.data_root, 'wider_face_split')
    needed = ('wider_face_train_bbx_gt.txt', 'wider_face_val.mat',
              'wider_hard_val.mat')
    if all(osp.isfile(osp.join(split, f)) for f in needed):
        console.print(f'[data] using {args.data_root}')
        return
    console.print(f'[data] writing the demo face set to {args.data_root} '
                  f'({args.num_train} train / {args.num_val} val images, '
                  f'seed {args.seed})')
    stats = make_demo_faces(
        args.data_root,
        DemoFacesConfig(num_train=args.num_train, num_val=args.num_val,
                        seed=args.seed),
        progress=False)
    console.print('[data] ' + ', '.join(f'{k}={v}' for k, v in stats.items()))


def _scaled(value: int, scale: float) -> int:
    return max(1, int(round(value * scale)))


def schedule_options(cfg: Config, scale: float) -> Dict[str, object]:
    """``--cfg-options`` that multiply a config's iteration counts.

    Scales the length, validation interval, every scheduler's begin / end /
    milestones, and the checkpoint and logger intervals (all at least 1).
    """
    if scale == 1.0:
        return {}
    opts: Dict[str, object] = {}
    for key in ('max_iters', 'val_interval'):
        opts[f'train_cfg.{key}'] = _scaled(cfg.train_cfg[key], scale)
    for index, sched in enumerate(cfg.get('param_scheduler', [])):
        for key in ('begin', 'end'):
            if sched.get(key):
                opts[f'param_scheduler.{index}.{key}'] = _scaled(
                    sched[key], scale)
        if 'milestones' in sched:
            opts[f'param_scheduler.{index}.milestones'] = [
                _scaled(m, scale) for m in sched['milestones']
            ]
    for hook in ('checkpoint', 'logger'):
        interval = cfg.default_hooks[hook].get('interval', -1)
        if interval > 0:
            opts[f'default_hooks.{hook}.interval'] = _scaled(interval, scale)
    return opts


def format_options(options: Dict[str, object]) -> List[str]:
    """``{'a.b': [1, 2]}`` -> ``['--cfg-options', 'a.b=[1,2]']``."""
    if not options:
        return []
    items = []
    for key, value in options.items():
        if isinstance(value, (list, tuple)):
            value = '[' + ','.join(str(v) for v in value) + ']'
        items.append(f'{key}={value}')
    return ['--cfg-options', *items]


def data_options(args: argparse.Namespace, loaders: Sequence[str],
                 evaluators: Sequence[str]) -> Dict[str, object]:
    """``--cfg-options`` pointing the configs at ``--data-root``."""
    if osp.normpath(args.data_root) == osp.normpath(DEFAULT_DATA_ROOT):
        return {}
    root = args.data_root.rstrip('/') + '/'
    opts: Dict[str, object] = {
        f'{loader}.dataset.data_root': root
        for loader in loaders
    }
    opts.update({f'{ev}.gt_dir': root + 'wider_face_split'
                 for ev in evaluators})
    return opts


# ----------------------------------------------------------------- stages
@dataclass
class StageRun:
    """What a stage needs and produces in this run."""

    stage: Stage
    index: int
    work_dir: str
    max_iters: int
    options: Dict[str, object]
    estimate_s: float
    checkpoint: str = ''
    started: Optional[float] = None
    finished: Optional[float] = None
    trained: bool = False
    pred_dir: str = ''
    result: Optional[dict] = None
    error: Optional[BaseException] = None
    #: Checkpoints this stage starts from (load_from, teacher).
    inputs: List[str] = field(default_factory=list)


def plan_stages(args: argparse.Namespace) -> Dict[str, StageRun]:
    """Load every demo config; work out iterations, paths and options."""
    runs: Dict[str, StageRun] = {}
    for index, stage in enumerate(STAGES, start=1):
        cfg = Config.fromfile(osp.join(REPO, stage.config))
        options = schedule_options(cfg, args.iters_scale)
        max_iters = options.get('train_cfg.max_iters',
                                cfg.train_cfg.max_iters)
        work_dir = osp.join(args.work_dir, stage.name)
        options.update(data_options(
            args, ('train_dataloader', 'val_dataloader', 'test_dataloader'),
            ('val_evaluator', 'test_evaluator')))
        if args.seed != cfg.randomness.seed:
            options['randomness.seed'] = args.seed
        # Checkpoints of earlier stages are passed explicitly: their names
        # follow the (scaled) lengths and the work dir of this run.
        if stage.load_from:
            options['load_from'] = runs[stage.load_from].checkpoint
        if stage.teacher:
            options['model.teacher_ckpt'] = runs[stage.teacher].checkpoint
        run = StageRun(
            stage=stage, index=index, work_dir=work_dir,
            max_iters=max_iters, options=options,
            estimate_s=(STAGE_OVERHEAD_S +
                        max_iters * stage.iter_cost * TEACHER_ITER_S),
            checkpoint=osp.join(work_dir, f'iter_{max_iters}.pth'),
            pred_dir=osp.join(work_dir, 'wider_preds'),
            inputs=[runs[d].checkpoint for d in stage.depends])
        if args.skip_existing and is_fresh(run.checkpoint, *run.inputs):
            run.estimate_s = STAGE_OVERHEAD_S / 2  # at most a test left
        runs[stage.key] = run
    return runs


def is_fresh(output: str, *inputs: str) -> bool:
    """``output`` exists and is not older than any of ``inputs``."""
    if not osp.exists(output):
        return False
    mtime = osp.getmtime(output)
    return all(osp.getmtime(i) <= mtime for i in inputs if osp.exists(i))


def resumable(run: StageRun) -> bool:
    """Whether the stage's work dir holds an unfinished run of this length
    (mmengine's ``last_checkpoint`` names an ``iter_<n>.pth``, n < max)."""
    pointer = osp.join(run.work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return False
    with open(pointer) as f:
        last = f.read().strip()
    match = re.search(r'iter_(\d+)\.pth$', last)
    return bool(match) and osp.isfile(last) and \
        int(match.group(1)) < run.max_iters


def run_stage(run: StageRun, args: argparse.Namespace,
              tools: ToolRunner) -> None:
    """Train (unless reusable), extract a distilled student, test."""
    stage, prefix = run.stage, f'[{run.index}/{len(STAGES)} {run.stage.key}]'
    if args.skip_existing and is_fresh(run.checkpoint, *run.inputs):
        tools.console.print(f'{prefix} reusing {run.checkpoint}')
    else:
        train_args = [stage.config, '--work-dir', run.work_dir]
        if args.skip_existing and resumable(run):
            train_args.append('--resume')  # an interrupted run goes on
        tools.run(TRAIN, train_args + format_options(run.options),
                  osp.join(run.work_dir, 'train.log'), prefix)
        if not osp.isfile(run.checkpoint):
            raise DemoError(f'{TRAIN} finished without {run.checkpoint}')
        run.trained = True

    checkpoint, test_config = run.checkpoint, stage.config
    if stage.teacher:
        # Prove the deployment path: student weights only, student config.
        checkpoint = osp.join(run.work_dir,
                              f'student_iter_{run.max_iters}.pth')
        if not (args.skip_existing and is_fresh(checkpoint, run.checkpoint)):
            tools.run(EXTRACT, [run.checkpoint, checkpoint],
                      osp.join(run.work_dir, 'extract.log'), prefix)
        test_config = STUDENT_CONFIG

    done = run.pred_dir + '.done'
    if not (args.skip_existing and is_fresh(done, checkpoint)):
        shutil.rmtree(run.pred_dir, ignore_errors=True)
        options = data_options(args, ('test_dataloader', ), (
            'test_evaluator', ))
        options['test_evaluator.pred_dir'] = run.pred_dir
        tools.run(TEST, [test_config, checkpoint, '--work-dir',
                         osp.join(run.work_dir, 'test')] +
                  format_options(options),
                  osp.join(run.work_dir, 'test.log'), prefix)
        with open(done, 'w') as f:
            f.write(f'{checkpoint}\n')


# ------------------------------------------------------------- scheduling
class Scheduler:
    """Runs the stages in dependency order, ``jobs`` at a time, with a
    header per stage (elapsed time, estimated time left)."""

    def __init__(self, runs: Dict[str, StageRun], args: argparse.Namespace,
                 tools: ToolRunner, start: float) -> None:
        self.runs, self.args, self.tools, self.start = runs, args, tools, start
        self.events: queue.Queue = queue.Queue()

    def _speed_factor(self) -> float:
        """Measured / estimated time of the stages trained so far."""
        done = [r for r in self.runs.values() if r.trained and r.finished]
        if not done:
            return 1.0
        return (sum(r.finished - r.started for r in done) /
                sum(r.estimate_s for r in done))

    def remaining_s(self, now: float) -> float:
        """Replay the scheduler on the corrected estimates: time left."""
        factor = self._speed_factor()
        finish: Dict[str, float] = {}
        free_at = []  # when each job slot frees up
        for run in self.runs.values():
            if run.finished:
                finish[run.stage.key] = now
            elif run.started:
                left = max(5.0, run.estimate_s * factor - (now - run.started))
                finish[run.stage.key] = now + left
                free_at.append(now + left)
        free_at += [now] * max(0, self.args.jobs - len(free_at))
        pending = [k for k in PRIORITY if k not in finish]
        while pending:
            slot = min(range(len(free_at)), key=free_at.__getitem__)
            t = free_at[slot]
            ready = [
                k for k in pending if all(
                    finish.get(d, math.inf) <= t
                    for d in self.runs[k].stage.depends)
            ]
            if not ready:  # idle until the next dependency finishes
                free_at[slot] = min(
                    (f for f in finish.values() if f > t), default=t + 1.0)
                continue
            key = ready[0]
            finish[key] = t + self.runs[key].estimate_s * factor
            free_at[slot] = finish[key]
            pending.remove(key)
        return max(finish.values()) - now + REPORT_S * factor

    def _header(self, run: StageRun) -> None:
        now = time.time()
        stage = run.stage
        reuse = self.args.skip_existing and is_fresh(run.checkpoint,
                                                     *run.inputs)
        what = ('finished before' if reuse else
                f'{run.max_iters} iters, {stage.config}')
        self.tools.console.print(
            f'\n[stage {run.index}/{len(STAGES)}] {stage.title} ({what}) | '
            f'elapsed {fmt_duration(now - self.start)} | est. remaining '
            f'~{fmt_duration(self.remaining_s(now))}')

    def _worker(self, run: StageRun) -> None:
        try:
            run_stage(run, self.args, self.tools)
        except BaseException as exc:  # reported by the main thread
            run.error = exc
        run.finished = time.time()
        self.events.put(run)

    def run(self) -> None:
        pending = [self.runs[k] for k in PRIORITY]
        active: List[StageRun] = []
        failed: Optional[StageRun] = None
        while pending or active:
            if failed is None:
                for run in list(pending):
                    if len(active) >= self.args.jobs:
                        break
                    if all(self.runs[d].finished and not self.runs[d].error
                           for d in run.stage.depends):
                        pending.remove(run)
                        run.started = time.time()
                        self._header(run)
                        active.append(run)
                        if self.args.jobs == 1:
                            self._worker(run)
                        else:
                            threading.Thread(target=self._worker,
                                             args=(run, ), daemon=True).start()
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
                    f'[{finished.index}/{len(STAGES)} {finished.stage.key}] '
                    f'done in {fmt_duration(took)}')
        if failed is not None:
            raise failed.error


# ------------------------------------------------------------- evaluation
def evaluate_runs(runs: Dict[str, StageRun], gt_dir: str) -> None:
    """WIDER easy / medium / hard AP and PR curves from each test's
    predictions (the files WiderFaceMetric wrote in ``tools/test.py``)."""
    ground_truth = load_wider_ground_truth(gt_dir)
    for run in runs.values():
        preds = (read_wider_predictions(run.pred_dir)
                 if osp.isdir(run.pred_dir) else {})
        run.result = evaluate_wider(preds, ground_truth)


def plot_pr_comparison(runs: Dict[str, StageRun], out_dir: str) -> List[str]:
    """One PR figure per setting with every model (official-plot style)."""
    return plot_wider_pr_comparison(
        {run.stage.title: run.result for run in runs.values()}, out_dir,
        file_prefix='pr', title='Demo faces val, AP in the legend')


#: Fig. 5 pairs: (stage, tag, legend label).
RATIO_PAIRS = (('mimic', 'fp', 'Li et al. mimic: fp teacher, fp student'),
               ('qmimic', 'quantized',
                'Quantization Mimic: Q(teacher), Q(student)'))


def matching_ratios(runs: Dict[str, StageRun], args: argparse.Namespace,
                    tools: ToolRunner) -> Dict[str, 'object']:
    """Fig. 5: per-RoI ratios of the fp pair (mimic) and of the quantized
    pair (QM), keyed by tag; the QM call draws both into one histogram."""
    import numpy as np
    out = osp.join(args.work_dir, 'matching_ratio.png')
    files = {tag: osp.join(args.work_dir, f'matching_ratio_{tag}.npy')
             for _, tag, _ in RATIO_PAIRS}
    for key, tag, label in RATIO_PAIRS:
        run = runs[key]
        npy = files[tag]
        if args.skip_existing and is_fresh(npy, run.checkpoint) and \
                is_fresh(out, npy):
            continue
        cmd = [run.stage.config, run.checkpoint, '--label', label,
               '--save-ratios', npy]
        if tag == 'quantized':
            cmd += ['--compare', f'{RATIO_PAIRS[0][2]}={files["fp"]}',
                    '--out', out]
        else:
            cmd += ['--out',
                    osp.join(args.work_dir, f'matching_ratio_{tag}.png')]
        cmd += format_options(data_options(args, ('test_dataloader', ), ()))
        tools.run(MATCHING_RATIO, cmd,
                  osp.join(run.work_dir, 'matching_ratio.log'),
                  f'[report {key}]')
    return {tag: np.load(npy) for tag, npy in files.items()}


# ---------------------------------------------------------------- report
def _row(values: Sequence[float]) -> str:
    return ' / '.join('n/a' if math.isnan(v) else f'{v:.3f}' for v in values)


#: AP under which a model counts as having learned (almost) nothing.
NOTHING_LEARNED_AP = 0.01


def check_claims(runs: Dict[str, StageRun],
                 ratios: Dict[str, 'object']) -> List[Tuple[str, bool, str]]:
    """The paper's claims on this run: (claim, held, evidence).

    A claim is "held" only if it holds on every WIDER setting; the evidence
    gives every number, and a caveat when a model it compares learned
    (almost) nothing, where the comparison says little either way.
    """
    ap = {key: [run.result[s] for s in WIDER_SETTINGS]
          for key, run in runs.items()}
    settings = '/'.join(WIDER_SETTINGS)
    nothing = {key for key, values in ap.items()
               if all(not v >= NOTHING_LEARNED_AP for v in values)}

    def every(pred) -> bool:
        return all(pred(i) for i in range(len(WIDER_SETTINGS)))

    def caveat(*keys: str) -> str:
        weak = [runs[k].stage.title for k in keys if k in nothing]
        return (f' Caveat: {" and ".join(weak)} learned (almost) nothing '
                f'(AP < {NOTHING_LEARNED_AP} on every setting).'
                if weak else '')

    claims = []
    held = every(lambda i: ap['qmimic'][i] > ap['mimic'][i] > ap['scratch'][i])
    claims.append((
        'Quantization Mimic > mimic (Li et al.) > scratch (Table 2, 3): '
        'strictly, on every setting', held,
        f'AP {settings}: QM {_row(ap["qmimic"])}; mimic '
        f'{_row(ap["mimic"])}; scratch {_row(ap["scratch"])}.' +
        caveat('qmimic', 'mimic', 'scratch')))
    held = every(lambda i: ap['teacher_q'][i] >= ap['teacher'][i])
    claims.append((
        'Quantized teacher >= full-precision teacher (Sec. 4.1, Table 4): '
        'on every setting', held,
        f'AP {settings}: quantized {_row(ap["teacher_q"])}; fp '
        f'{_row(ap["teacher"])}. The quantized teacher is the fp one '
        'finetuned further, as in the paper.' +
        caveat('teacher_q', 'teacher')))
    margin = 0.01
    held = every(lambda i: ap['q_only'][i] - ap['scratch'][i] <= margin)
    claims.append((
        'Quantization only gives no gain over scratch (Table 5): Q-only AP '
        f'at most {margin} above scratch on every setting', held,
        f'AP {settings}: Q-only {_row(ap["q_only"])}; scratch '
        f'{_row(ap["scratch"])}.' + caveat('q_only', 'scratch')))
    fp, quant = ratios['fp'], ratios['quantized']
    fp_mean = float(fp.mean()) if len(fp) else float('nan')
    q_mean = float(quant.mean()) if len(quant) else float('nan')
    claims.append((
        'Quantization raises the per-RoI matching ratio (Fig. 5): mean '
        'ratio of the quantized pair > the fp pair', q_mean > fp_mean,
        f'mean ratio (|f_t - f_s| < 0.3): quantized (QM student, Q teacher) '
        f'{q_mean:.3f} over {len(quant)} RoIs; fp (mimic student, fp '
        f'teacher) {fp_mean:.3f} over {len(fp)} RoIs.' +
        caveat('qmimic', 'mimic')))
    return claims


def write_report(runs: Dict[str, StageRun], ratios: Dict[str, 'object'],
                 args: argparse.Namespace, gt_dir: str, wall_s: float,
                 figures: List[str]) -> str:
    """Write ``results.md``; return its text."""
    ground_truth = load_wider_ground_truth(gt_dir)
    faces = ', '.join(f'{s} {ground_truth.num_faces(s)}'
                      for s in WIDER_SETTINGS)
    lines = [
        '# Quantization Mimic demo: results', '',
        f'Synthetic faces in the WIDER FACE layout ({args.data_root}); val: '
        f'{len(ground_truth)} images, faces counted {faces}. Official '
        'WIDER protocol (IoU 0.5), AP per setting. Iteration scale '
        f'{args.iters_scale:g}, seed {args.seed}, '
        f'{datetime.now():%Y-%m-%d %H:%M}, {platform.node()} '
        f'({os.cpu_count()} CPUs), wall time {fmt_duration(wall_s)}. Sizes '
        'and schedules: `configs/demo/` (teachers lr 0.02, students lr '
        '0.001; see `configs/demo/_base_/demo_faces.py`).', '',
        '| Model | Config | Iters | Easy | Medium | Hard |',
        '|---|---|---:|---:|---:|---:|'
    ]
    for run in runs.values():
        aps = ' | '.join('n/a' if math.isnan(run.result[s]) else
                         f'{run.result[s]:.4f}' for s in WIDER_SETTINGS)
        lines.append(f'| {run.stage.title} | `{run.stage.config}` | '
                     f'{run.max_iters} | {aps} |')
    lines += ['', '## Paper claims on this run', '']
    for claim, held, evidence in check_claims(runs, ratios):
        lines.append(f'- **{"held" if held else "not held"}**: {claim}. '
                     f'{evidence}')
    lines += [
        '', f'Claims are checked as stated, on this one small run: '
        f'{len(ground_truth)} val images and minutes of CPU training make '
        'differences of a few AP points noise. Nothing was tuned to make a '
        'claim hold: the four students share one schedule and the paper\'s '
        'lambda = 1 and quantizer stride 1.', '',
        '## Figures', ''
    ]
    lines += [f'- `{osp.relpath(p, args.work_dir)}`' for p in figures]
    text = '\n'.join(lines) + '\n'
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(text)
    return text


def main(argv: Optional[List[str]] = None) -> int:
    """Run the demo; 0 on success, 1 when a step failed."""
    args = parse_args(argv)
    start = time.time()
    console = Console()
    tools = ToolRunner(console, args.in_process, args.verbose)
    os.makedirs(args.work_dir, exist_ok=True)
    try:
        ensure_data(args, console)
        runs = plan_stages(args)
        Scheduler(runs, args, tools, start).run()
        console.print(f'\n[report] elapsed {fmt_duration(time.time() - start)}'
                      ': matching ratios, PR curves, results.md')
        gt_dir = osp.join(args.data_root, 'wider_face_split')
        evaluate_runs(runs, gt_dir)
        ratios = matching_ratios(runs, args, tools)
        figures = plot_pr_comparison(runs, args.work_dir)
        figures.append(osp.join(args.work_dir, 'matching_ratio.png'))
        text = write_report(runs, ratios, args, gt_dir, time.time() - start,
                            figures)
    except (DemoError, OSError, ValueError) as exc:
        console.print(f'\nerror: {exc}')
        return 1
    console.print('\n' + text)
    console.print(f'wrote {osp.join(args.work_dir, "results.md")} '
                  f'in {fmt_duration(time.time() - start)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
