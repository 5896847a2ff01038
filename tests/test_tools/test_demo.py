"""tools/demo.py (`make demo`): a smoke run of the whole pipeline on a tiny
face set with a handful of iterations per stage, plus its scheduling and
bookkeeping helpers."""
import importlib.util
import os.path as osp
import threading
import time

import pytest
from mmengine.config import Config

from conftest import REPO

DEMO = osp.join(REPO, 'tools', 'demo.py')


@pytest.fixture(scope='module')
def demo():
    """tools/demo.py as a module."""
    spec = importlib.util.spec_from_file_location('qm_demo_tool', DEMO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def smoke(tmp_path_factory):
    """Run the demo on 6 train / 4 val images, 1-3 iterations per stage, the
    tools in-process (one interpreter start-up instead of sixteen); then
    once more with --skip-existing."""
    from conftest import run_tool
    tmp = tmp_path_factory.mktemp('demo')
    args = [
        'tools/demo.py', '--work-dir', str(tmp / 'work'), '--data-root',
        str(tmp / 'data'), '--iters-scale', '0.002', '--num-train', '6',
        '--num-val', '4', '--in-process'
    ]
    first = run_tool(args, env=dict(OMP_NUM_THREADS='1'))
    assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
    again = run_tool(args + ['--skip-existing'],
                     env=dict(OMP_NUM_THREADS='1'))
    assert again.returncode == 0, (again.stdout + again.stderr)[-4000:]
    return dict(work=tmp / 'work', first=first, again=again)


def test_smoke_run_writes_results_with_six_models_and_claims(smoke, demo):
    text = (smoke['work'] / 'results.md').read_text()
    rows = [line for line in text.splitlines()
            if line.startswith('| ') and '`configs/demo/' in line]
    assert len(rows) == 6
    for stage in demo.STAGES:
        assert f'| {stage.title} | `{stage.config}` |' in text
    assert '## Paper claims on this run' in text
    claims = [line for line in text.splitlines()
              if line.startswith('- **held**') or
              line.startswith('- **not held**')]
    assert len(claims) == 4
    for name in ('pr_easy.png', 'pr_medium.png', 'pr_hard.png',
                 'matching_ratio.png'):
        assert (smoke['work'] / name).stat().st_size > 0
    assert text in smoke['again'].stdout  # results.md is printed


def test_smoke_run_shows_stage_headers_and_uses_the_tools(smoke):
    out = smoke['first'].stdout
    for index in range(1, 7):
        assert f'[stage {index}/6]' in out
    assert 'est. remaining' in out
    # distilled students are extracted and tested with the student config
    assert 'extract_student.py' in out
    assert out.count('$ python tools/test.py configs/demo/rfcn_vgg1-32_demo'
                     '.py') == 3
    assert (smoke['work'] / 'qmimic_rfcn_vgg1-32_demo' /
            'student_iter_3.pth').is_file()


def test_skip_existing_reuses_every_stage(smoke):
    out = smoke['again'].stdout
    assert out.count('reusing') == 6
    assert '$ python tools/train.py' not in out
    assert '$ python tools/test.py' not in out


def test_schedule_options_scale_every_iteration_count(demo):
    cfg = Config.fromfile(osp.join(REPO, 'configs/demo/rfcn_vgg1-4_demo.py'))
    opts = demo.schedule_options(cfg, 0.5)
    assert opts['train_cfg.max_iters'] == 600
    assert opts['param_scheduler.0.end'] == 25
    assert opts['param_scheduler.1.milestones'] == [450]
    assert opts['default_hooks.checkpoint.interval'] == 250
    assert demo.schedule_options(cfg, 1.0) == {}
    assert demo.format_options({'a.b': [1, 2], 'c': 3}) == [
        '--cfg-options', 'a.b=[1,2]', 'c=3']


def test_progress_line_keeps_eta_and_final_metrics(demo):
    train = ('11/25 23:48:55 - mmengine - INFO - Iter(train) [ 100/1000]  '
             'lr: 2.0000e-02  eta: 0:01:21  time: 0.0951  data_time: 0.0032  '
             'loss: 1.3081  student.loss_rpn_cls: 0.3451')
    assert demo.progress_line(train) == (
        'Iter(train) [ 100/1000]  eta: 0:01:21  time: 0.0951  loss: 1.3081')
    val = ('11/25 23:50:10 - mmengine - INFO - Iter(val) [60/60]    '
           'wider/easy: 0.0100  wider/medium: 0.0200  wider/hard: 0.0300')
    assert 'wider/hard: 0.0300' in demo.progress_line(val)
    assert demo.progress_line('11/25 23:50:10 - mmengine - INFO - Iter(val) '
                              '[10/60]    eta: 0:00:08') is None


def test_scheduler_respects_dependencies_with_two_jobs(demo, monkeypatch,
                                                       tmp_path):
    args = demo.parse_args(['--work-dir', str(tmp_path), '--jobs', '2'])
    runs = {
        s.key: demo.StageRun(stage=s, index=i, work_dir=str(tmp_path),
                             max_iters=1, options={}, estimate_s=1.0)
        for i, s in enumerate(demo.STAGES, start=1)
    }
    order, lock, running, most = [], threading.Lock(), [0], [0]

    def fake_stage(run, args, tools):
        with lock:
            for dep in run.stage.depends:
                assert runs[dep].finished, f'{run.stage.key} before {dep}'
            running[0] += 1
            most[0] = max(most[0], running[0])
            order.append(run.stage.key)
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    monkeypatch.setattr(demo, 'run_stage', fake_stage)
    tools = demo.ToolRunner(demo.Console(), in_process=True, verbose=False)
    demo.Scheduler(runs, args, tools, time.time()).run()
    assert sorted(order) == sorted(s.key for s in demo.STAGES)
    assert most[0] == 2  # independent stages ran side by side
    assert order[0] == 'teacher'
