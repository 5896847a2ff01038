"""Faults of long runs, triggered through tools/train.py as a user meets
them, on the tiny R-FCN VGG-1-32 student and toy WIDER data: damaged and
interrupted checkpoints, preemption, a corrupt JPEG, a diverging loss."""
import os
import os.path as osp
import re
import signal
import subprocess
import sys

import pytest
import torch

from conftest import REPO, run_tool
from toy_configs import write_wider_toy_config

STUDENT = 'rfcn/rfcn_vgg1-32_80k_wider.py'
# A checkpoint every iteration, raw per-iteration losses in the log, no
# validation (not what these tests look at), reproducible iterations.
FAULT_EXTRA = '''
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(interval=1, max_keep_ckpts=10))
log_processor = dict(window_size=1)
randomness = dict(seed=0, deterministic=True)
val_dataloader = None
val_cfg = None
val_evaluator = None
'''


@pytest.fixture(scope='module')
def wider_root(tmp_path_factory) -> str:
    from projects.qmimic_demo.qmimic_demo.demo_faces import (
        DemoFacesConfig, make_demo_faces)
    root = str(tmp_path_factory.mktemp('faces')) + '/'
    make_demo_faces(root, DemoFacesConfig(num_train=6, num_val=3, num_test=3,
                                          seed=0), progress=False)
    return root


def _config(tmp_path, root: str, iters: int, extra: str = '') -> str:
    return write_wider_toy_config(str(tmp_path / 'student.py'), STUDENT,
                                  root, iters=iters,
                                  extra=FAULT_EXTRA + extra)


def _train(config: str, work_dir: str, *args: str):
    return run_tool(['tools/train.py', config, '--work-dir', work_dir,
                     *args])


def _losses(log: str) -> dict:
    """Logged total loss per iteration: {iteration: 'x.xxxx'}."""
    return {int(i): loss for i, loss in re.findall(
        r'Iter\(train\) \[\s*(\d+)/\d+\].*?\bloss: (\S+)', log)}


def _finite(path: str) -> bool:
    state = torch.load(path)['state_dict']
    return all(bool(torch.isfinite(v).all()) for v in state.values()
               if v.is_floating_point())


@pytest.fixture(scope='module')
def reference(wider_root, tmp_path_factory):
    """An uninterrupted 6-iteration run; its work dir is copied by tests."""
    tmp = tmp_path_factory.mktemp('reference')
    config = _config(tmp, wider_root, iters=6)
    result = _train(config, str(tmp / 'work'))
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(config=config, work=str(tmp / 'work'),
                log=result.stdout + result.stderr)


def _copy_work(src: str, dst: str) -> str:
    import shutil
    shutil.copytree(src, dst)
    # last_checkpoint holds an absolute path into the source folder
    pointer = osp.join(dst, 'last_checkpoint')
    with open(pointer) as f:
        target = f.read().strip()
    with open(pointer, 'w') as f:
        f.write(osp.join(dst, osp.basename(target)))
    return dst


def test_truncated_newest_checkpoint_resumes_from_the_one_before(
        reference, tmp_path):
    work = _copy_work(reference['work'], str(tmp_path / 'work'))
    newest = osp.join(work, 'iter_6.pth')
    with open(newest, 'rb') as f:
        data = f.read()
    with open(newest, 'wb') as f:  # as an interrupted copy leaves it
        f.write(data[:len(data) // 2])
    result = _train(reference['config'], work, '--resume')
    assert result.returncode == 0, result.stderr[-3000:]
    warnings = [line for line in result.stderr.splitlines()
                if line.startswith('warning: --resume: skipping')]
    assert warnings == [f'warning: --resume: skipping damaged checkpoint '
                        f'{newest} (' + warnings[0].split(' (', 1)[1]]
    log = result.stdout + result.stderr
    assert 'resumed epoch: 0, iter: 5' in log
    assert 'Iter(train) [6/6]' in log and 'Iter(train) [5/6]' not in log
    assert torch.load(newest)['meta']['iter'] == 6  # rewritten, whole


def test_no_loadable_checkpoint_stops_naming_the_folder(reference,
                                                        tmp_path):
    work = _copy_work(reference['work'], str(tmp_path / 'work'))
    for name in os.listdir(work):
        if name.endswith('.pth'):
            open(osp.join(work, name), 'wb').close()  # 0 bytes
    result = _train(reference['config'], work, '--resume')
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines()
              if line.startswith('error:')]
    assert len(errors) == 1 and 'Traceback' not in result.stderr
    assert f'nothing to resume in {work}: none of its 6 checkpoints' \
        in errors[0]


def test_save_interrupted_before_the_rename_keeps_the_previous(
        reference, tmp_path):
    """What ``kill -9`` between writing iteration 6's checkpoint and its
    rename leaves: iteration 5's checkpoint as newest, a partial
    temporary file beside it. Resume takes iteration 5 and cleans up."""
    work = _copy_work(reference['work'], str(tmp_path / 'work'))
    with open(osp.join(work, 'iter_6.pth'), 'rb') as f:
        half = f.read()[:2000]
    os.remove(osp.join(work, 'iter_6.pth'))
    stale = osp.join(work, '.iter_6.pth.12345.tmp')
    with open(stale, 'wb') as f:
        f.write(half)
    with open(osp.join(work, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(work, 'iter_5.pth'))  # not yet updated
    result = _train(reference['config'], work, '--resume')
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert 'resumed epoch: 0, iter: 5' in log
    assert 'skipping' not in result.stderr  # nothing damaged was visible
    assert f'removing {stale}' in log and not osp.exists(stale)
    assert _losses(log)[6] == _losses(reference['log'])[6]


def test_sigterm_saves_exits_75_and_resume_matches_uninterrupted(
        wider_root, reference, tmp_path):
    from qmimic_mm.engine.hooks.preemption_hook import PREEMPTED_EXIT_CODE
    config = _config(tmp_path, wider_root, iters=6, extra='''
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(interval=100))  # only the last
''')
    work = str(tmp_path / 'work')
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1',
               PYTHONUNBUFFERED='1')  # each log line as it is written
    proc = subprocess.Popen(
        [sys.executable, 'tools/train.py', config, '--work-dir', work],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    log = []
    for line in proc.stdout:
        log.append(line)
        if 'Iter(train) [1/6]' in line:
            proc.send_signal(signal.SIGTERM)  # as a scheduler preempts
    rc = proc.wait(timeout=300)
    first = ''.join(log)
    assert rc == PREEMPTED_EXIT_CODE, first[-3000:]
    saved = re.search(r'preempted \(SIGTERM\): saved (\S+) at iteration '
                      r'(\d+); exiting with code 75', first)
    assert saved, first[-3000:]
    step = int(saved.group(2))
    assert 1 <= step < 6  # the end of the iteration the signal hit
    assert sorted(f for f in os.listdir(work) if f.endswith('.pth')) == \
        [f'iter_{step}.pth']
    assert osp.isfile(osp.join(work, 'preempted'))

    resumed = _train(config, work, '--resume')
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    log2 = resumed.stdout + resumed.stderr
    assert f'resumed epoch: 0, iter: {step}' in log2
    assert not osp.exists(osp.join(work, 'preempted'))
    ckpt = torch.load(osp.join(work, 'iter_6.pth'))
    ref = torch.load(osp.join(reference['work'], 'iter_6.pth'))
    assert ckpt['meta']['iter'] == 6
    assert ckpt['param_schedulers'][0]['last_step'] == 6
    assert ckpt['optimizer']['param_groups'][0]['lr'] == \
        ref['optimizer']['param_groups'][0]['lr']
    # the iterations after the resume point draw and compute what the
    # uninterrupted run did
    after = {i: v for i, v in _losses(log2).items() if i > step}
    assert after and after == {i: v for i, v in
                               _losses(reference['log']).items()
                               if i > step}


def _break_one_train_image(root: str) -> str:
    images = osp.join(root, 'WIDER_train', 'images')
    event = sorted(os.listdir(images))[0]
    path = osp.join(images, event, sorted(os.listdir(
        osp.join(images, event)))[0])
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 3])  # a truncated JPEG
    return path


@pytest.fixture
def broken_root(tmp_path):
    from projects.qmimic_demo.qmimic_demo.demo_faces import (
        DemoFacesConfig, make_demo_faces)
    root = str(tmp_path / 'faces') + '/'
    make_demo_faces(root, DemoFacesConfig(num_train=6, num_val=3, num_test=3,
                                          seed=0), progress=False)
    return root, _break_one_train_image(root)


def test_corrupt_jpeg_stops_before_training_naming_file_and_key(
        broken_root, tmp_path):
    root, bad = broken_root
    config = _config(tmp_path, root, iters=2)
    result = _train(config, str(tmp_path / 'work'))
    assert result.returncode == 2, result.stderr[-3000:]
    errors = result.stderr.strip().splitlines()
    assert errors[-1].startswith('error: bad image ') and \
        'Traceback' not in result.stderr
    assert bad in errors[-1]
    assert "set train_dataloader.dataset.bad_image='skip'" in errors[-1]
    assert 'Iter(train)' not in result.stdout + result.stderr


def test_corrupt_jpeg_skip_mode_trains_and_counts(broken_root, tmp_path):
    root, bad = broken_root
    config = _config(tmp_path, root, iters=2)
    result = _train(config, str(tmp_path / 'work'), '--cfg-options',
                    'train_dataloader.dataset.bad_image=skip')
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert f'skipping {bad}: truncated or corrupt' in log
    assert 'skipped 1 bad image(s) of 6' in log
    assert 'Iter(train) [2/2]' in log


def test_diverging_loss_stops_with_one_line_and_finite_checkpoints(
        wider_root, tmp_path):
    config = _config(tmp_path, wider_root, iters=8)
    work = str(tmp_path / 'work')
    result = _train(config, work, '--cfg-options',
                    'optim_wrapper.optimizer.lr=10000.0')
    assert result.returncode == 2, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    # The loss of an iteration is computed before its update: a loss turns
    # NaN one iteration after the weights, so a save due in between is
    # refused first. Either way the run stops at once, naming the newest
    # finite checkpoint.
    loss = re.match(r'error: loss (\S+) = (nan|inf|-inf) at iteration (\d+): '
                    r'training stopped \(last good checkpoint: (.+?)\); '
                    r'lower the lr .* or lower the loss_weight of that loss$',
                    line)
    weights = re.match(r'error: refusing to save a checkpoint at iteration '
                       r'(\d+): \d+ tensors of the model hold NaN/Inf '
                       r'\(first: \S+\); last good checkpoint: (.+?); '
                       r'lower the lr', line)
    assert loss or weights, line
    iteration = int((loss or weights).group(3 if loss else 1))
    good = (loss or weights).group(4 if loss else 2)
    saved = sorted(f for f in os.listdir(work) if f.endswith('.pth'))
    assert saved == [f'iter_{i}.pth' for i in range(1, iteration)]
    assert good == (osp.join(work, saved[-1]) if saved else 'none saved yet')
    assert all(_finite(osp.join(work, f)) for f in saved)
