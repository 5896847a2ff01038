"""What ``make demo`` trains and tests, declared once.

Stages (one trained model each), their configs, which checkpoint each starts
from or learns from, where its checkpoint goes, and the ``--cfg-options``
that adapt a config to this run (data root, seed, iteration scale, the
checkpoints of earlier stages). Schedules themselves live in the configs
(``configs/demo/_base_/``), the ablation variants in configs of the project
(``projects/qmimic_demo/configs/``); the plan reads them from there.
"""
import os
import os.path as osp
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from mmengine.config import Config

from .claims import CLAIM_STAGES
from .demo_distractors import distractors_file

#: The repository: the demo runs from a checkout.
REPO = str(Path(__file__).resolve().parents[3])
DEFAULT_DATA_ROOT = osp.join(REPO, 'data', 'demo_faces')
DEFAULT_WORK_DIR = osp.join(REPO, 'work_dirs', 'demo')
#: Tests every student, the distilled ones after extraction.
STUDENT_CONFIG = 'configs/demo/rfcn_vgg1-32_demo.py'
#: Config of the Quantization Mimic student, which the ablation varies.
QM_CONFIG = 'configs/demo/qmimic_rfcn_vgg1-32_demo.py'
#: Folder of the ablation configs (each inherits :data:`QM_CONFIG`).
ABLATION_CONFIGS = 'projects/qmimic_demo/configs'
#: The one-stage family's plain student (tests its distilled students).
ONE_STAGE_STUDENT_CONFIG = 'configs/demo/rtmdet_cspnext-1-32_demo.py'

TRAIN = 'tools/train.py'
TEST = 'tools/test.py'
EXTRACT = 'tools/model_converters/extract_student.py'
MATCHING_RATIO = 'tools/analysis_tools/matching_ratio.py'

#: Seconds of one teacher training iteration on one free CPU core: the
#: first estimate of the time left, corrected by every finished stage.
TEACHER_ITER_S = 0.18
#: Seconds per stage outside the training loop (start-ups, val, test).
STAGE_OVERHEAD_S = 25.0
#: Seconds of the report per seed (two matching-ratio runs).
REPORT_S = 25.0

#: Split the main table reports, and the split that selects settings.
TEST_SPLIT, VAL_SPLIT = 'test', 'val'


@dataclass(frozen=True)
class Stage:
    """One model of the demo.

    Attributes:
        key: Short name (log prefix, results keys).
        title: Row label of the results tables.
        config: Demo config, relative to the repository.
        iter_cost: Seconds of one iteration relative to the teacher's.
        per_seed: Trained once per seed (``--seeds``); otherwise once.
        load_from: Stage whose checkpoint initialises this one.
        teacher: Stage whose checkpoint is the distillation teacher.
        splits: Splits it is evaluated on.
        variant: Ablation variant name; '' for the main stages.
        init_key: ``--cfg-options`` key that receives the ``load_from``
            stage's checkpoint.
        test_config: Config testing the model the training exports (the
            pruning stages' ``pruned_iter_<N>.pth``); None tests the
            training checkpoint (or the extracted student) as usual.
        student_config: Plain student config that tests the student
            extracted from a distillation stage.
    """

    key: str
    title: str
    config: str
    iter_cost: float
    per_seed: bool = True
    load_from: Optional[str] = None
    teacher: Optional[str] = None
    splits: Tuple[str, ...] = (TEST_SPLIT, VAL_SPLIT)
    variant: str = ''
    init_key: str = 'load_from'
    test_config: Optional[str] = None
    student_config: str = STUDENT_CONFIG

    @property
    def depends(self) -> Tuple[str, ...]:
        """Keys of the stages it needs."""
        return tuple(k for k in (self.load_from, self.teacher) if k)

    @property
    def name(self) -> str:
        """Its folder in the work dir: the config name."""
        return osp.splitext(osp.basename(self.config))[0]


STAGES: Tuple[Stage, ...] = (
    Stage('teacher', 'Teacher R-FCN VGG-1-4 (fp, base)',
          'configs/demo/rfcn_vgg1-4_demo.py', 1.0, per_seed=False),
    Stage('teacher_fp', 'Teacher VGG-1-4, fp continued',
          'configs/demo/rfcn_vgg1-4-continued_demo.py', 1.0,
          load_from='teacher'),
    Stage('teacher_q', 'Teacher VGG-1-4, quantized finetune',
          'configs/demo/rfcn_vgg1-4-quant_demo.py', 1.0,
          load_from='teacher'),
    Stage('scratch', 'Student VGG-1-32 from scratch', STUDENT_CONFIG, 0.25),
    Stage('q_only', 'Student VGG-1-32, quantization only (Table 5)',
          'configs/demo/rfcn_vgg1-32-quant_demo.py', 0.25),
    Stage('mimic', 'Student VGG-1-32, mimic (Li et al., fp teacher)',
          'configs/demo/mimic_rfcn_vgg1-32_demo.py', 0.6,
          teacher='teacher_fp'),
    Stage('qmimic', 'Student VGG-1-32, Quantization Mimic (Q teacher)',
          QM_CONFIG, 0.6, teacher='teacher_q'),
)
#: ``--family one-stage``: the same experiment on RTMDet (CSPNeXt-1-4
#: teacher, CSPNeXt-1-32 students; configs/rtmdet, configs/qmimic), stage
#: for stage, with the same keys, splits, seeds and iteration counts.
_ONE_STAGE = dict(student_config=ONE_STAGE_STUDENT_CONFIG)
ONE_STAGE_STAGES: Tuple[Stage, ...] = (
    Stage('teacher', 'Teacher RTMDet CSPNeXt-1-4 (fp, base)',
          'configs/demo/rtmdet_cspnext-1-4_demo.py', 1.0, per_seed=False,
          **_ONE_STAGE),
    Stage('teacher_fp', 'Teacher CSPNeXt-1-4, fp continued',
          'configs/demo/rtmdet_cspnext-1-4-continued_demo.py', 1.0,
          load_from='teacher', **_ONE_STAGE),
    Stage('teacher_q', 'Teacher CSPNeXt-1-4, quantized finetune (3 levels)',
          'configs/demo/rtmdet_cspnext-1-4-quant_demo.py', 1.0,
          load_from='teacher', **_ONE_STAGE),
    Stage('scratch', 'Student CSPNeXt-1-32 from scratch',
          ONE_STAGE_STUDENT_CONFIG, 0.3, **_ONE_STAGE),
    Stage('q_only', 'Student CSPNeXt-1-32, quantization only (Table 5)',
          'configs/demo/rtmdet_cspnext-1-32-quant_demo.py', 0.3,
          **_ONE_STAGE),
    Stage('mimic', 'Student CSPNeXt-1-32, mimic (Li et al., fp teacher)',
          'configs/demo/mimic_rtmdet_cspnext-1-32_demo.py', 0.6,
          teacher='teacher_fp', **_ONE_STAGE),
    Stage('qmimic', 'Student CSPNeXt-1-32, Quantization Mimic (Q teacher)',
          'configs/demo/qmimic_rtmdet_cspnext-1-32_demo.py', 0.6,
          teacher='teacher_q', **_ONE_STAGE),
)
#: ``--family``: the detector family the experiment runs on.
FAMILIES: Dict[str, Tuple[Stage, ...]] = {
    'rfcn': STAGES,
    'one-stage': ONE_STAGE_STAGES,
}
#: Default work dir of each family (the R-FCN one is the historical one).
FAMILY_WORK_DIRS = {
    'rfcn': DEFAULT_WORK_DIR,
    'one-stage': osp.join(REPO, 'work_dirs', 'demo_one-stage'),
}

#: ``--pruning``: Table 2's pruning baselines, the base teacher pruned to the
#: VGG-1-32 widths (ratio 8) on the students' iterations and seeds (their
#: finetune lr is their configs' own), tested through the plain detector
#: each training exports (configs/pruning).
PRUNED_CONFIG = 'configs/demo/rfcn_vgg1-4-pruned8_demo.py'
PRUNING_STAGES: Tuple[Stage, ...] = (
    Stage('taylor', 'Pruned VGG-1-4 -> VGG-1-32 widths, Taylor (Molchanov '
          'et al.)', 'configs/demo/taylor_rfcn_vgg1-4-pruned8_demo.py', 0.6,
          load_from='teacher', init_key='model.init_ckpt',
          test_config=PRUNED_CONFIG),
    Stage('lasso', 'Pruned VGG-1-4 -> VGG-1-32 widths, channel pruning (He '
          'et al.)', 'configs/demo/lasso_rfcn_vgg1-4-pruned8_demo.py', 0.3,
          load_from='teacher', init_key='model.init_ckpt',
          test_config=PRUNED_CONFIG),
)
#: Start order when several stages are ready: the longest chain first; the
#: ablation variants come between the distilled and the plain students.
PRIORITY: Tuple[str, ...] = ('teacher', 'teacher_q', 'teacher_fp', 'qmimic',
                             'mimic', 'taylor', 'lasso', 'ablation',
                             'scratch', 'q_only')

@dataclass(frozen=True)
class Ablation:
    """A variant of the Quantization Mimic student, evaluated on val.

    What it changes is its config,
    ``projects/qmimic_demo/configs/qmimic_rfcn_vgg1-32_<name>_demo.py``,
    which inherits :data:`QM_CONFIG` and sets only those keys.

    Attributes:
        name: Short name (``--ablation NAME``, table row).
        description: What it changes, in words, for the table.
    """

    name: str
    description: str

    @property
    def config(self) -> str:
        """Its config, relative to the repository."""
        return f'{ABLATION_CONFIGS}/qmimic_rfcn_vgg1-32_{self.name}_demo.py'

    def stage(self) -> Stage:
        """The variant as a stage: the QM student's, on its config."""
        base = next(s for s in STAGES if s.config == QM_CONFIG)
        return replace(base, key=f'qmimic[{self.name}]',
                       title=f'QM, {self.name}', config=self.config,
                       splits=(VAL_SPLIT, ), variant=self.name)


#: ``--ablation``: the settings that pick the QM defaults. Each variant's
#: config sets every setting it changes from the QM default (element mean,
#: calibrated stride, lambda 10, warm-up): the paper's Eq. 6 is lambda 1.
ABLATIONS: Tuple[Ablation, ...] = (
    Ablation('paper-literal', 'Eq. 6 verbatim: sum / 2N, stride 1, lambda 1'),
    Ablation('calibrated+sum', 'sum / 2N, calibrated stride, lambda 1'),
    Ablation('mean+stride1', 'element mean, stride 1, lambda 1'),
    # with the default's 10: the paper's lambda sweep (0.1, 1, 10)
    Ablation('lambda0.1', 'lambda 0.1'),
    Ablation('lambda1', 'lambda 1'),
    Ablation('lambda1-no-warmup', 'lambda 1, no mimic-weight warm-up'),
)


#: :func:`config_changes`' value of a key that a config does not have.
MISSING = '<missing>'


def config_changes(base: Mapping[str, Any],
                   child: Mapping[str, Any]) -> Dict[str, Any]:
    """The settings a config changes from another, as dotted keys.

    Dicts are compared key by key, anything else (lists included) as a
    whole; a key the child lacks maps to :data:`MISSING`.

    Args:
        base: A loaded config (or any nested mapping).
        child: The other one.

    Returns:
        ``{'a.b.c': child's value}`` for every leaf that differs.
    """
    changes: Dict[str, Any] = {}
    for key in sorted(set(base) | set(child)):
        old, new = base.get(key, MISSING), child.get(key, MISSING)
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            changes.update({f'{key}.{k}': v
                            for k, v in config_changes(old, new).items()})
        elif old != new:
            changes[key] = new
    return changes



@dataclass
class DemoSettings:
    """What the command line asks for (see ``tools/demo.py``).

    Attributes:
        work_dir: Checkpoints, logs and results.
        data_root: The demo face set; generated if missing.
        iters_scale: Multiplies every iteration count.
        seed: First training seed.
        seeds: Number of seeds (repetitions of the per-seed stages).
        ablation: Ablation variant names to train; None for none.
        ablation_seeds: Variants run on the first this many seeds only (a
            sweep is many trainings; the default row of the ablation table
            is compared on the same seeds).
        pruning: Also train the pruning baselines (:data:`PRUNING_STAGES`).
        claims: Train only the stages these claims need
            (:data:`~.claims.CLAIM_STAGES`, :func:`claim_stages`); None for
            every stage.
        skip_existing: Reuse finished stages, resume an interrupted one.
        jobs: Stages trained side by side.
        verbose: Print every line of the tools.
        in_process: Run the tools inside this interpreter (smoke test).
        num_train: Train images when the set is generated.
        num_val: Val images when the set is generated.
        num_test: Test images when the set is generated.
        family: Detector family (:data:`FAMILIES`): ``'rfcn'`` (the
            paper's R-FCN) or ``'one-stage'`` (RTMDet).
    """

    work_dir: str = DEFAULT_WORK_DIR
    data_root: str = DEFAULT_DATA_ROOT
    iters_scale: float = 1.0
    seed: int = 0
    seeds: int = 1
    ablation: Optional[Sequence[str]] = None
    ablation_seeds: int = 1
    pruning: bool = False
    claims: Optional[Sequence[str]] = None
    skip_existing: bool = False
    jobs: int = 1
    verbose: bool = False
    in_process: bool = False
    num_train: int = 400
    num_val: int = 100
    num_test: int = 200
    family: str = 'rfcn'

    @property
    def stages(self) -> Tuple[Stage, ...]:
        """The main stages of the chosen family."""
        return FAMILIES[self.family]

    @property
    def seed_list(self) -> List[int]:
        """The training seeds, ``seed .. seed + seeds - 1``."""
        return list(range(self.seed, self.seed + self.seeds))

    @property
    def ablation_seed_list(self) -> List[int]:
        """The seeds of the ablation variants."""
        return self.seed_list[:self.ablation_seeds]

    @property
    def gt_dir(self) -> str:
        """Folder of the ground-truth files of every split."""
        return osp.join(self.data_root, 'wider_face_split')


@dataclass
class StageRun:
    """One training of a stage (for one seed) and what it produces.

    The plan fills the first fields; the runner the timing and status; the
    report the results.
    """

    stage: Stage
    seed: int
    index: int
    work_dir: str
    max_iters: int
    lr: float
    options: Dict[str, Any]
    estimate_s: float
    checkpoint: str
    #: Ids of the runs it needs, and their checkpoints.
    depends: List[str] = field(default_factory=list)
    inputs: List[str] = field(default_factory=list)
    started: Optional[float] = None
    finished: Optional[float] = None
    trained: bool = False
    error: Optional[BaseException] = None
    #: Split -> the full ``evaluate_wider`` result.
    results: Dict[str, dict] = field(default_factory=dict)
    #: Split -> its detections, ``[event][image] -> (K, 5) x y w h score``.
    predictions: Dict[str, dict] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Unique name: the stage key, with the seed for per-seed stages."""
        return (f'{self.stage.key}/s{self.seed}'
                if self.stage.per_seed else self.stage.key)

    @property
    def distilled(self) -> bool:
        """A distillation run: tested after extracting the student."""
        return self.stage.teacher is not None

    @property
    def test_config(self) -> str:
        """Config that tests its model."""
        if self.stage.test_config:
            return self.stage.test_config
        return (self.stage.student_config if self.distilled else
                self.stage.config)

    @property
    def test_checkpoint(self) -> str:
        """Checkpoint that tests its model (student only if distilled)."""
        if self.stage.test_config:
            return osp.join(self.work_dir, f'pruned_iter_{self.max_iters}.pth')
        if not self.distilled:
            return self.checkpoint
        return osp.join(self.work_dir, f'student_iter_{self.max_iters}.pth')

    def pred_dir(self, split: str) -> str:
        """Where its predictions on ``split`` are written."""
        return osp.join(self.work_dir, f'preds_{split}')


@dataclass
class Plan:
    """Every run of this invocation, in start priority order."""

    settings: DemoSettings
    runs: Dict[str, StageRun]

    @property
    def stages(self) -> Tuple[Stage, ...]:
        """Every stage of the run's family that a table may list."""
        return self.settings.stages + PRUNING_STAGES

    def of(self, key: str) -> List[StageRun]:
        """The runs of stage ``key``, in seed order."""
        return [r for r in self.runs.values() if r.stage.key == key]

    def get(self, key: str, seed: int) -> StageRun:
        """The run of stage ``key`` for ``seed``."""
        return next(r for r in self.of(key) if r.seed == seed)


def _scaled(value: int, scale: float) -> int:
    return max(1, int(round(value * scale)))


def schedule_options(cfg: Config, scale: float) -> Dict[str, Any]:
    """``--cfg-options`` that multiply a config's iteration counts.

    Scales the length, validation interval, every scheduler's begin / end /
    milestones, the logger interval and the custom hooks' ``warmup_iters``
    (all at least 1). The checkpoint interval stays: it is how much work an
    interruption may lose, and the last checkpoint is always saved.
    """
    if scale == 1.0:
        return {}
    opts: Dict[str, Any] = {}
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
    interval = cfg.default_hooks.logger.get('interval', -1)
    if interval > 0:
        opts['default_hooks.logger.interval'] = _scaled(interval, scale)
    for index, hook in enumerate(cfg.get('custom_hooks', [])):
        if 'warmup_iters' in hook:
            opts[f'custom_hooks.{index}.warmup_iters'] = _scaled(
                hook['warmup_iters'], scale)
    return opts


def data_options(settings: DemoSettings, loaders: Sequence[str],
                 evaluators: Sequence[str]) -> Dict[str, Any]:
    """``--cfg-options`` pointing the configs at ``settings.data_root``."""
    if osp.normpath(settings.data_root) == osp.normpath(DEFAULT_DATA_ROOT):
        return {}
    root = settings.data_root.rstrip('/') + '/'
    opts: Dict[str, Any] = {
        f'{loader}.dataset.data_root': root
        for loader in loaders
    }
    for ev in evaluators:
        opts[f'{ev}.gt_dir'] = settings.gt_dir
        # 'val_evaluator' reads val's distractors, 'test_evaluator' test's
        opts[f'{ev}.distractor_file'] = distractors_file(
            settings.gt_dir, ev.split('_')[0])
    return opts


def test_options(settings: DemoSettings, split: str,
                 pred_dir: str) -> Dict[str, Any]:
    """``--cfg-options`` that make ``tools/test.py`` evaluate ``split`` and
    write its predictions to ``pred_dir`` (official WIDER layout names)."""
    opts = data_options(settings, ('test_dataloader', ), ('test_evaluator', ))
    opts.update({
        'test_dataloader.dataset.ann_file':
        f'wider_face_split/wider_face_{split}_bbx_gt.txt',
        'test_dataloader.dataset.data_prefix.img': f'WIDER_{split}/images/',
        'test_evaluator.split': split,
        'test_evaluator.distractor_file': distractors_file(
            settings.gt_dir, split),
        'test_evaluator.pred_dir': pred_dir,
    })
    return opts


def ablation_stages(names: Optional[Sequence[str]]) -> List[Stage]:
    """The ablation variants asked for: all when ``names`` is empty.

    Raises:
        ValueError: An unknown variant name.
    """
    if names is None:
        return []
    known = {a.name: a for a in ABLATIONS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f'unknown ablation variant(s) {unknown}; choose '
                         f'from {list(known)}')
    chosen = [known[n] for n in names] if names else list(ABLATIONS)
    return [a.stage() for a in chosen]


def claim_stages(names: Optional[Sequence[str]],
                 stages: Sequence[Stage]) -> List[Stage]:
    """The stages of ``stages`` that the claims ``names`` need: the two
    models each compares and every stage those depend on (teachers). The
    ablation variants and pruning baselines in ``stages`` stay, with their
    dependencies. None keeps every stage.

    Raises:
        ValueError: An unknown claim name.
    """
    if names is None:
        return list(stages)
    unknown = [n for n in names if n not in CLAIM_STAGES]
    if unknown or not names:
        raise ValueError(f'unknown claim(s) {unknown or names}; choose from '
                         f'{list(CLAIM_STAGES)}')
    by_key = {s.key: s for s in stages}
    needed = {k for n in names for k in CLAIM_STAGES[n]}
    needed |= {s.key for s in stages if s.variant or s in PRUNING_STAGES}
    frontier = list(needed)
    while frontier:
        for dep in by_key[frontier.pop()].depends:
            if dep not in needed:
                needed.add(dep)
                frontier.append(dep)
    return [s for s in stages if s.key in needed]


def _priority(stage: Stage) -> int:
    return PRIORITY.index('ablation' if stage.variant else stage.key)


def build_plan(settings: DemoSettings) -> Plan:
    """Load every config; work out each run's paths, length and options.

    Per-seed stages get one run per seed, in the work dir's ``seed<k>/``;
    a stage's dependencies are the runs of the same seed (or the run of a
    stage trained once).
    """
    if settings.family not in FAMILIES:
        raise ValueError(f'unknown family {settings.family!r}; choose from '
                         f'{list(FAMILIES)}')
    if settings.family != 'rfcn' and (settings.ablation is not None or
                                      settings.pruning):
        raise ValueError(
            '--ablation and --pruning vary the R-FCN students; run them '
            'with --family rfcn (the one-stage ablations are configs: '
            'configs/qmimic/rtmdet_cspnext-1-32_*_wider.py)')
    stages = sorted(settings.stages +
                    tuple(ablation_stages(settings.ablation)) +
                    (PRUNING_STAGES if settings.pruning else ()),
                    key=_priority)
    stages = claim_stages(settings.claims, stages)
    configs: Dict[str, Config] = {}
    data = data_options(
        settings, ('train_dataloader', 'val_dataloader', 'test_dataloader'),
        ('val_evaluator', 'test_evaluator'))
    runs: Dict[str, StageRun] = {}
    # (stage key, seed; None for a stage trained once) -> its run
    by_stage: Dict[Tuple[str, Optional[int]], StageRun] = {}
    for stage in stages:
        if stage.config not in configs:
            configs[stage.config] = Config.fromfile(
                osp.join(REPO, stage.config))
        cfg = configs[stage.config]
        options = schedule_options(cfg, settings.iters_scale)
        max_iters = options.get('train_cfg.max_iters',
                                cfg.train_cfg.max_iters)
        if not stage.per_seed:
            seeds = [settings.seed]
        elif stage.variant:
            seeds = settings.ablation_seed_list
        else:
            seeds = settings.seed_list
        for seed in seeds:
            work_dir = (osp.join(settings.work_dir, f'seed{seed}', stage.name)
                        if stage.per_seed else
                        osp.join(settings.work_dir, stage.name))
            needs = {kind: by_stage.get((dep, seed)) or by_stage[(dep, None)]
                     for kind, dep in (('load_from', stage.load_from),
                                       ('teacher', stage.teacher)) if dep}
            run_options = {**options, **data}
            if seed != cfg.randomness.seed:
                run_options['randomness.seed'] = seed
            # Checkpoints of earlier stages are passed explicitly: their
            # names follow the (scaled) lengths, seeds and work dir.
            if 'load_from' in needs:
                run_options[stage.init_key] = needs['load_from'].checkpoint
            if 'teacher' in needs:
                run_options['model.teacher_ckpt'] = needs['teacher'].checkpoint
            # The last validation of the training is the val evaluation.
            run_options['val_evaluator.pred_dir'] = osp.join(
                work_dir, f'preds_{VAL_SPLIT}')
            run = StageRun(
                stage=stage,
                seed=seed,
                index=len(runs) + 1,
                work_dir=work_dir,
                max_iters=max_iters,
                lr=cfg.optim_wrapper.optimizer.lr,
                options=run_options,
                estimate_s=(STAGE_OVERHEAD_S +
                            max_iters * stage.iter_cost * TEACHER_ITER_S),
                checkpoint=osp.join(work_dir, f'iter_{max_iters}.pth'),
                depends=[r.id for r in needs.values()],
                # the training data too: a regenerated set retrains
                inputs=[r.checkpoint for r in needs.values()] +
                [osp.join(settings.gt_dir, 'wider_face_train_bbx_gt.txt')])
            runs[run.id] = run
            by_stage[(stage.key, seed if stage.per_seed else None)] = run
    return Plan(settings, runs)


def default_jobs() -> int:
    """Stages side by side: 2 on CPU (one core each on the 2-core machines
    the demo is sized for), up to 4 on a GPU (they share it)."""
    import torch
    cpus = os.cpu_count() or 1
    return max(1, min(4 if torch.cuda.is_available() else 2, cpus))
