"""tools/demo.py (`make demo`) and projects/qmimic_demo: a smoke run of the
whole pipeline on a tiny face set with 1-3 iterations per stage and two seeds,
plus the plan, the scheduling, the statistics and the claim rule on hand
values."""
import math
import os.path as osp
import re
import threading
import time

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from conftest import REPO, run_tool
from toy_configs import load_tool
from projects.qmimic_demo.qmimic_demo import plan as demo_plan
from projects.qmimic_demo.qmimic_demo import runner, tool_runner
from projects.qmimic_demo.qmimic_demo.claims import check_all, sanity_line
from projects.qmimic_demo.qmimic_demo.stats import (
    HELD, NOT_HELD, NOT_TESTED, Cell, Comparison, judge)
from projects.qmimic_demo.qmimic_demo import grid as grid_module

DEMO = osp.join(REPO, 'tools', 'demo.py')
SETTINGS = ('easy', 'medium', 'hard')
STUDENTS = ('scratch', 'q_only', 'mimic', 'qmimic')
#: Trainings of the smoke run: the base teacher, then per seed (2) the six
#: per-seed stages and one ablation variant.
SMOKE_RUNS = 1 + 2 * (len(demo_plan.STAGES) - 1 + 1)


@pytest.fixture(scope='module')
def cli():
    """tools/demo.py as a module."""
    return load_tool('tools/demo.py', 'qm_demo_tool')


@pytest.fixture(scope='module')
def smoke(tmp_path_factory):
    """Run the demo on 6 train / 4 val / 4 test images, 1-3 iterations per
    stage, 2 seeds, one ablation variant, the tools in-process (one
    interpreter start-up instead of dozens); then once more with
    --skip-existing."""
    tmp = tmp_path_factory.mktemp('demo')
    args = [
        'tools/demo.py', '--work-dir', str(tmp / 'work'), '--data-root',
        str(tmp / 'data'), '--iters-scale', '0.0015', '--num-train', '6',
        '--num-val', '4', '--num-test', '4', '--seeds', '2', '--ablation',
        'lambda1', '--ablation-seeds', '2', '--in-process'
    ]
    first = run_tool(args, env=dict(OMP_NUM_THREADS='1'))
    assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
    again = run_tool(args + ['--skip-existing'],
                     env=dict(OMP_NUM_THREADS='1'))
    assert again.returncode == 0, (again.stdout + again.stderr)[-4000:]
    return dict(work=tmp / 'work', first=first, again=again)


def _table(text: str, heading: str) -> list:
    """The rows of the markdown table under ``heading``."""
    section = text.split(heading, 1)[1].split('\n## ', 1)[0]
    return [line for line in section.splitlines()
            if line.startswith('| ') and not line.startswith('| Model')
            and not line.startswith('| Variant')]


def test_smoke_results_tables_claims_and_figures(smoke):
    text = (smoke['work'] / 'results.md').read_text()
    test_rows = _table(text, '## Test (main table)')
    assert len(test_rows) == len(demo_plan.STAGES)
    for stage in demo_plan.STAGES:
        row = next(r for r in test_rows if r.startswith(f'| {stage.title} '))
        # two seeds: mean ± std per setting; the base teacher is trained once
        assert row.count(' ± ') == (3 if stage.per_seed else 0), row
        assert f'`{stage.config}`' in row
    assert len(_table(text, '## Val (model selection)')) == len(
        demo_plan.STAGES)
    ablation = _table(text, '## Ablation (val)')
    assert [r.split(' | ')[0] for r in ablation] == ['| QM (default)',
                                                     '| lambda1']
    assert all(r.count(' ± ') == 3 for r in ablation)
    # the change, read from the variant's config
    assert ('lambda 1: `loss_weight=1.0` (`projects/qmimic_demo/configs/'
            'qmimic_rfcn_vgg1-32_lambda1_demo.py`)') in ablation[1]
    claims = [line for line in text.splitlines()
              if re.match(r'- \*\*(held|not held)\*\*: ', line)]
    assert len(claims) == 6  # five AP claims and the matching ratio
    assert 'not tested' not in text  # two seeds test every claim
    assert '- Sanity, students learned: scratch student easy AP' in text
    assert 'measured wall time' in text
    for name in ('pr_easy.png', 'pr_medium.png', 'pr_hard.png',
                 'seed0/matching_ratio.png', 'seed1/matching_ratio.png'):
        assert (smoke['work'] / name).stat().st_size > 0
    assert text in smoke['again'].stdout  # results.md is printed
    # the control: every model's val threshold and share on distractors
    shortcut = _table(text, '## Faces or pasted patches? (test)')
    assert len(shortcut) == len(demo_plan.STAGES)
    assert 'distractors are ' in text and '![detections per model]' in text
    grid = cv2.imread(str(smoke['work'] / 'grid_test.png'))
    assert grid.shape[0] == grid_module.LEGEND_H + 5 * 200


def test_detection_grid_size_and_drawing(tmp_path):
    """One legend strip, one row per model, one panel per image; the
    detections above a row's threshold are drawn in its panels."""
    for i in range(2):
        img = np.full((60, 80 + 40 * i), 128, np.uint8)
        cv2.imwrite(str(tmp_path / f'{i}.jpg'), img)
    names = ['0.jpg', '1.jpg']
    dets = {'0.jpg': np.array([[10, 10, 20, 20, 0.9], [40, 10, 20, 20, 0.1]])}
    rows = [grid_module.GridRow(f'model {k}', dets, thr)
            for k, thr in enumerate((0.5, 0.05, float('nan')))]
    out = str(tmp_path / 'sub' / 'grid.png')
    shape = grid_module.draw_detection_grid(
        str(tmp_path), names, rows, {'1.jpg': np.array([[5, 5, 10, 10]])},
        {}, out, cell=100, label_w=120)
    assert shape == (grid_module.LEGEND_H + 3 * 100, 120 + 2 * 100)
    drawn = cv2.imread(out)
    assert drawn.shape[:2] == shape

    def red_pixels(row: int) -> int:
        top = grid_module.LEGEND_H + row * 100
        tile = drawn[top:top + 100, 120:220].astype(int)
        return int(((tile[..., 2] > 180) & (tile[..., 0] < 90)).sum())

    # image 0 is 80x60 -> scale 1.25: one box at 0.5, two at 0.05, none NaN
    assert 0 < red_pixels(0) < red_pixels(1)
    assert red_pixels(2) == 0


def test_smoke_runs_per_seed_with_that_seeds_teacher(smoke):
    out = smoke['first'].stdout
    work = str(smoke['work'])
    assert 'est. total' in out and 'est. remaining' in out
    for index in range(1, SMOKE_RUNS + 1):
        assert f'[stage {index}/{SMOKE_RUNS}]' in out
    assert out.count('$ python tools/train.py configs/demo/rfcn_vgg1-4_demo'
                     '.py') == 1  # the base teacher is trained once
    mimic = [line for line in out.splitlines()
             if '$ python tools/train.py configs/demo/mimic_' in line]
    assert len(mimic) == 2
    assert (f'model.teacher_ckpt={work}/seed1/rfcn_vgg1-4-continued_demo/'
            'iter_1.pth') in mimic[1]
    assert 'randomness.seed=1' in mimic[1]
    ablation = [line for line in out.splitlines() if '--work-dir '
                f'{work}/seed1/qmimic_rfcn_vgg1-32_lambda1_demo' in line]
    assert len(ablation) == 1
    assert ('$ python tools/train.py projects/qmimic_demo/configs/'
            'qmimic_rfcn_vgg1-32_lambda1_demo.py') in ablation[0]
    assert 'loss_weight' not in ablation[0]  # the config says it
    # distilled students are extracted and tested with the student config,
    # on test only (val comes from the training's last validation); the
    # ablation variant is not tested
    assert out.count('$ python tools/test.py configs/demo/rfcn_vgg1-32_demo'
                     '.py') == 3 * 2
    assert out.count('$ python tools/test.py') == 1 + 6 * 2
    assert (smoke['work'] / 'seed1' / 'qmimic_rfcn_vgg1-32_demo' /
            'student_iter_3.pth').is_file()


def test_skip_existing_reuses_every_stage(smoke):
    out = smoke['again'].stdout
    assert len(re.findall(r'\] reusing ', out)) == SMOKE_RUNS
    for tool in ('train.py', 'test.py', 'matching_ratio.py'):
        assert f'$ python tools/{tool}' not in out


# ------------------------------------------------------------ statistics
def test_cell_mean_and_sample_std_on_hand_values():
    cell = Cell([0.1, 0.2, 0.3])
    assert cell.mean == pytest.approx(0.2)
    assert cell.std == pytest.approx(0.1)  # ddof=1: sqrt(0.02 / 2)
    assert cell.format() == '0.200 ± 0.100'
    one = Cell([0.25])
    assert one.mean == 0.25 and math.isnan(one.std)
    assert one.format() == '0.250'
    assert Cell([]).format() == 'n/a'


def _comp(a, b):
    return {s: Comparison(Cell(a), Cell(b)) for s in SETTINGS}


def test_claim_rule_held_not_held_not_tested():
    # diff 0.21 > spread 0.02 + 0.01 on every setting
    assert judge(_comp([0.50, 0.52, 0.54], [0.30, 0.31, 0.32]),
                 'greater') == HELD
    # diff 0.04 < spread 0.071 + 0.014
    assert judge(_comp([0.30, 0.40], [0.30, 0.32]), 'greater') == NOT_HELD
    # one setting short is enough to fail
    mixed = _comp([0.50, 0.52], [0.30, 0.31])
    mixed['hard'] = Comparison(Cell([0.30, 0.32]), Cell([0.30, 0.31]))
    assert judge(mixed, 'greater') == NOT_HELD
    assert judge(_comp([0.5], [0.3]), 'greater') == NOT_TESTED
    assert judge(_comp([0.5, 0.5], [0.3]), 'greater') == NOT_TESTED
    # no gain: Q-only above scratch by 0.02, within the spread 0.028
    assert judge(_comp([0.30, 0.34], [0.30, 0.30]), 'no_gain') == HELD
    assert judge(_comp([0.50, 0.52], [0.30, 0.31]), 'no_gain') == NOT_HELD
    # a >= b: a below b by less than the spread
    assert judge(_comp([0.29, 0.31], [0.30, 0.32]), 'not_less') == HELD
    assert judge(_comp([0.10, 0.11], [0.30, 0.31]), 'not_less') == NOT_HELD
    with pytest.raises(ValueError, match='unknown claim kind'):
        judge(_comp([0.5, 0.5], [0.3, 0.3]), 'bigger')


def test_claim_lines_with_one_seed_are_not_tested():
    keys = ('teacher_fp', 'teacher_q') + STUDENTS
    ap = {k: {s: Cell([0.3]) for s in SETTINGS} for k in keys}
    ratio = {'fp': Cell([0.4]), 'quantized': Cell([0.6])}
    lines = [v.line() for v in check_all(ap, ratio)]
    assert len(lines) == 6
    assert all(line.startswith('- **not tested (1 seed; run --seeds 3)**')
               for line in lines)
    assert 'mean ratio 0.600 vs 0.400 (diff +0.200)' in lines[-1]
    two = {k: {s: Cell([0.3, 0.32]) for s in SETTINGS} for k in keys}
    two['qmimic'] = {s: Cell([0.6, 0.62]) for s in SETTINGS}
    verdicts = {v.claim.a + '>' + v.claim.b: v for v in check_all(
        two, {'fp': Cell([0.4, 0.41]), 'quantized': Cell([0.6, 0.61])})}
    assert verdicts['qmimic>scratch'].verdict == HELD
    assert verdicts['mimic>scratch'].verdict == NOT_HELD
    assert 'spread 0.028' in verdicts['qmimic>scratch'].line()
    assert '**yes**' in sanity_line(Cell([0.25, 0.21]))
    assert '**no**' in sanity_line(Cell([0.05]))


# ------------------------------------------------------------------- plan
def test_plan_seeds_dependencies_and_ablation(tmp_path):
    settings = demo_plan.DemoSettings(work_dir=str(tmp_path), seed=3,
                                      seeds=2, ablation=['lambda1'],
                                      ablation_seeds=2)
    plan = demo_plan.build_plan(settings)
    assert len(plan.runs) == SMOKE_RUNS  # same shape as the smoke run
    assert list(plan.runs)[0] == 'teacher'
    teacher = plan.runs['teacher']
    assert teacher.work_dir == str(tmp_path / 'rfcn_vgg1-4_demo')
    assert 'randomness.seed' in teacher.options  # seed 3, config has 0
    for seed in (3, 4):
        for key in ('teacher_fp', 'teacher_q'):
            run = plan.get(key, seed)
            assert run.options['load_from'] == teacher.checkpoint
            assert run.depends == ['teacher']
        mimic, qm = plan.get('mimic', seed), plan.get('qmimic', seed)
        assert mimic.options['model.teacher_ckpt'] == plan.get(
            'teacher_fp', seed).checkpoint
        assert qm.options['model.teacher_ckpt'] == plan.get(
            'teacher_q', seed).checkpoint
        assert qm.work_dir == str(tmp_path / f'seed{seed}' /
                                  'qmimic_rfcn_vgg1-32_demo')
        assert qm.options['randomness.seed'] == seed
        variant = plan.get('qmimic[lambda1]', seed)
        assert variant.stage.splits == ('val', )
        assert variant.depends == [qm.depends[0]]
        assert variant.stage.config == (
            'projects/qmimic_demo/configs/qmimic_rfcn_vgg1-32_lambda1_demo.py')
        assert variant.options['randomness.seed'] == seed
        assert variant.work_dir.endswith('qmimic_rfcn_vgg1-32_lambda1_demo')
    # every run starts after the runs it needs
    order = list(plan.runs)
    for run in plan.runs.values():
        assert all(order.index(d) < order.index(run.id) for d in run.depends)
    with pytest.raises(ValueError, match='unknown ablation'):
        demo_plan.ablation_stages(['lambda3'])
    with pytest.raises(ValueError, match='--family rfcn'):
        demo_plan.build_plan(demo_plan.DemoSettings(
            family='one-stage', work_dir=str(tmp_path), ablation=[]))
    assert len(demo_plan.ablation_stages([])) == len(demo_plan.ABLATIONS)
    # by default the variants run on the first seed only
    one = demo_plan.build_plan(demo_plan.DemoSettings(
        work_dir=str(tmp_path), seeds=3, ablation=['lambda1']))
    assert [r.seed for r in one.of('qmimic[lambda1]')] == [0]
    assert [r.seed for r in one.of('qmimic')] == [0, 1, 2]


@pytest.mark.parametrize('family', list(demo_plan.FAMILIES))
def test_default_plan_uses_the_configs_checkpoint_paths(family):
    """The configs' own load_from / teacher_ckpt are the paths the default
    run produces, so a config run by hand after `make demo` finds them."""
    plan = demo_plan.build_plan(demo_plan.DemoSettings(
        family=family, work_dir=demo_plan.FAMILY_WORK_DIRS[family]))
    for run in plan.runs.values():
        cfg = Config.fromfile(osp.join(REPO, run.stage.config))
        if 'load_from' in run.options:
            assert osp.join(REPO, cfg.load_from) == run.options['load_from']
        if 'model.teacher_ckpt' in run.options and run.seed == 0:
            assert osp.join(REPO, cfg.model.teacher_ckpt) == run.options[
                'model.teacher_ckpt']


def test_schedule_options_scale_every_iteration_count():
    cfg = Config.fromfile(osp.join(REPO, 'configs/demo/rfcn_vgg1-4_demo.py'))
    opts = demo_plan.schedule_options(cfg, 0.5)
    assert opts['train_cfg.max_iters'] == cfg.train_cfg.max_iters // 2
    assert opts['param_scheduler.0.end'] == 25
    assert opts['param_scheduler.1.milestones'] == [
        cfg.param_scheduler[1].milestones[0] // 2]
    assert opts['default_hooks.logger.interval'] == 25
    assert 'default_hooks.checkpoint.interval' not in opts
    assert demo_plan.schedule_options(cfg, 1.0) == {}
    qm = Config.fromfile(osp.join(REPO, demo_plan.QM_CONFIG))
    warmup = qm.custom_hooks[0].warmup_iters
    assert demo_plan.schedule_options(qm, 0.5)[
        'custom_hooks.0.warmup_iters'] == max(1, round(warmup / 2))


def test_format_options_keeps_none_and_empty_lists():
    assert tool_runner.format_options({'a.b': [1, 2], 'c': None, 'd': [],
                                       'e': 'rois', 'f': 1.0}) == [
        '--cfg-options', 'a.b=[1,2]', 'c=None', 'd=[]', 'e=rois', 'f=1.0']
    assert tool_runner.format_options({}) == []


_LOSS = 'model.distiller.distill_losses.loss_mimic'
#: What each ablation config changes from the QM config, by hand.
ABLATION_CHANGES = {
    'paper-literal': {f'{_LOSS}.loss_weight': 1.0,
                      f'{_LOSS}.normalize': 'rois',
                      f'{_LOSS}.quantizer.levels': None,
                      f'{_LOSS}.quantizer.stride': 1.0},
    'calibrated+sum': {f'{_LOSS}.loss_weight': 1.0,
                       f'{_LOSS}.normalize': 'rois'},
    'mean+stride1': {f'{_LOSS}.loss_weight': 1.0,
                     f'{_LOSS}.quantizer.levels': None,
                     f'{_LOSS}.quantizer.stride': 1.0},
    'lambda0.1': {f'{_LOSS}.loss_weight': 0.1},
    'lambda1': {f'{_LOSS}.loss_weight': 1.0},
    'lambda1-no-warmup': {f'{_LOSS}.loss_weight': 1.0, 'custom_hooks': []},
}


def test_ablation_configs_change_only_their_settings():
    """Each variant is one config in projects/qmimic_demo/configs that
    inherits the QM config and changes exactly its settings (the QM
    default: element mean, calibrated stride, lambda 10, warm-up)."""
    import glob
    on_disk = {osp.relpath(path, REPO) for path in glob.glob(
        osp.join(REPO, demo_plan.ABLATION_CONFIGS, '*.py'))}
    assert on_disk == {a.config for a in demo_plan.ABLATIONS}
    assert [a.name for a in demo_plan.ABLATIONS] == list(ABLATION_CHANGES)
    qm = Config.fromfile(osp.join(REPO, demo_plan.QM_CONFIG)).to_dict()
    assert qm['model']['distiller']['distill_losses']['loss_mimic'][
        'loss_weight'] == 10.0
    for ablation in demo_plan.ABLATIONS:
        cfg = Config.fromfile(osp.join(REPO, ablation.config)).to_dict()
        assert demo_plan.config_changes(qm, cfg) == \
            ABLATION_CHANGES[ablation.name], ablation.name


def test_config_changes_lists_differing_leaves():
    base = {'a': {'b': 1, 'c': [1]}, 'd': 2}
    child = {'a': {'b': 1, 'c': [], 'e': None}, 'd': 2}
    assert demo_plan.config_changes(base, child) == {'a.c': [], 'a.e': None}
    assert demo_plan.config_changes(child, base) == {
        'a.c': [1], 'a.e': demo_plan.MISSING}
    assert demo_plan.config_changes(base, base) == {}


@pytest.mark.parametrize('family', list(demo_plan.FAMILIES))
def test_demo_configs_splits_and_shared_schedules(family):
    cfgs = {s.key: Config.fromfile(osp.join(REPO, s.config))
            for s in demo_plan.FAMILIES[family]}
    for key, cfg in cfgs.items():
        assert cfg.test_dataloader.dataset.ann_file.endswith(
            'wider_face_test_bbx_gt.txt'), key
        assert cfg.test_dataloader.dataset.data_prefix.img == \
            'WIDER_test/images/'
        assert cfg.test_evaluator.split == 'test'
        assert cfg.val_dataloader.dataset.ann_file.endswith(
            'wider_face_val_bbx_gt.txt'), key
        assert cfg.val_evaluator.split == 'val'

    def schedule(cfg):
        return (cfg.optim_wrapper.optimizer.lr, cfg.train_cfg.max_iters,
                cfg.param_scheduler)

    assert len({str(schedule(cfgs[k])) for k in STUDENTS}) == 1
    continued = [cfgs['teacher_fp'], cfgs['teacher_q']]
    assert schedule(continued[0]) == schedule(continued[1])
    assert continued[0].load_from == continued[1].load_from
    necks = [c.model.get('neck', {}).get('type') for c in continued]
    assert necks[1] in ('UniformQuantizer', 'QuantizedNeck')
    assert necks[0] != necks[1]  # the fp continuation is not quantized
    assert cfgs['mimic'].custom_hooks == cfgs['qmimic'].custom_hooks


# ------------------------------------------------------------- execution
def test_parse_args_defaults_and_errors(cli, tmp_path):
    settings = cli.parse_args(['--work-dir', str(tmp_path)])
    assert settings.seeds == 1 and settings.ablation is None
    assert settings.jobs == demo_plan.default_jobs()
    assert cli.parse_args(['--ablation']).ablation == []
    assert cli.parse_args(['--in-process', '--jobs', '2']).jobs == 1
    for bad in (['--seeds', '0'], ['--ablation', 'nope'],
                ['--iters-scale', '0']):
        with pytest.raises(SystemExit):
            cli.parse_args(bad)


def test_progress_line_keeps_eta_and_final_metrics():
    train = ('11/25 23:48:55 - mmengine - INFO - Iter(train) [ 100/1000]  '
             'lr: 2.0000e-02  eta: 0:01:21  time: 0.0951  data_time: 0.0032  '
             'loss: 1.3081  student.loss_rpn_cls: 0.3451')
    assert tool_runner.progress_line(train) == (
        'Iter(train) [ 100/1000]  eta: 0:01:21  time: 0.0951  loss: 1.3081')
    val = ('11/25 23:50:10 - mmengine - INFO - Iter(val) [60/60]    '
           'wider/easy: 0.0100  wider/medium: 0.0200  wider/hard: 0.0300')
    assert 'wider/hard: 0.0300' in tool_runner.progress_line(val)
    assert tool_runner.progress_line(
        '11/25 23:50:10 - mmengine - INFO - Iter(val) [10/60]    eta: '
        '0:00:08') is None


def test_scheduler_respects_dependencies_with_two_jobs(monkeypatch,
                                                       tmp_path):
    settings = demo_plan.DemoSettings(work_dir=str(tmp_path), seeds=2,
                                      jobs=2)
    plan = demo_plan.build_plan(settings)
    for run in plan.runs.values():
        run.estimate_s = 1.0
    order, lock, running, most = [], threading.Lock(), [0], [0]

    def fake_stage(run, plan, tools):
        with lock:
            for dep in run.depends:
                assert plan.runs[dep].finished, f'{run.id} before {dep}'
            running[0] += 1
            most[0] = max(most[0], running[0])
            order.append(run.id)
        time.sleep(0.02)
        with lock:
            running[0] -= 1

    monkeypatch.setattr(runner, 'run_stage', fake_stage)
    tools = tool_runner.ToolRunner(tool_runner.Console(), in_process=True,
                                   verbose=False)
    scheduler = runner.Scheduler(plan, tools, time.time())
    assert scheduler.remaining_s(time.time()) > 0
    scheduler.run()
    assert sorted(order) == sorted(plan.runs)
    assert most[0] == 2  # independent stages ran side by side
    assert order[0] == 'teacher'


def test_one_stage_plan_mirrors_the_rfcn_plan(tmp_path):
    """--family one-stage: the same stage keys, seeds and dependencies; the
    distilled students are tested with the one-stage student config."""
    rfcn = demo_plan.build_plan(demo_plan.DemoSettings(
        work_dir=str(tmp_path / 'r'), seeds=2))
    one = demo_plan.build_plan(demo_plan.DemoSettings(
        family='one-stage', work_dir=str(tmp_path / 'o'), seeds=2))
    assert list(one.runs) == list(rfcn.runs)
    assert [r.depends for r in one.runs.values()] == \
        [r.depends for r in rfcn.runs.values()]
    # the teacher continuations train as long; the one-stage base teacher
    # needs six times the R-FCN teacher's iterations to learn and its
    # students three times the R-FCN students' (both chosen on val)
    def iters(plan, keys):
        return [r.max_iters for r in plan.runs.values() if r.stage.key in keys]

    continuations = ('teacher_fp', 'teacher_q')
    students = ('scratch', 'q_only', 'mimic', 'qmimic')
    assert iters(one, continuations) == iters(rfcn, continuations)
    assert iters(one, students) == [3 * n for n in iters(rfcn, students)]
    assert set(iters(one, students)) == {6000}
    assert one.runs['teacher'].max_iters == 6 * rfcn.runs['teacher'].max_iters
    assert one.runs['teacher'].max_iters == 12000
    qm = one.get('qmimic', 1)
    assert qm.test_config == demo_plan.ONE_STAGE_STUDENT_CONFIG
    assert 'rtmdet' in qm.stage.config and qm.options[
        'model.teacher_ckpt'] == one.get('teacher_q', 1).checkpoint
    assert all('rtmdet' in r.stage.config for r in one.runs.values())
