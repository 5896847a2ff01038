"""tools/train.py, tools/test.py and tools/dist_train.sh on a tiny VOC set."""
import os.path as osp

import pytest
import torch

from toy_configs import TOY_TEACHER_MODEL, write_toy_config

TEACHER = 'faster_rcnn/faster-rcnn_r18-dc5_40k_voc0712.py'


@pytest.fixture(scope='module')
def trained(tmp_path_factory, voc_root):
    """Train 4 iterations, then resume to 8; shared by the tests below."""
    from conftest import run_tool
    tmp = tmp_path_factory.mktemp('train')
    config = write_toy_config(str(tmp / 'teacher.py'), TEACHER, voc_root,
                              iters=4, extra=TOY_TEACHER_MODEL)
    work_dir = str(tmp / 'work')
    first = run_tool(['tools/train.py', config, '--work-dir', work_dir])
    assert first.returncode == 0, first.stderr[-3000:]
    resumed = run_tool([
        'tools/train.py', config, '--work-dir', work_dir, '--resume',
        '--cfg-options', 'train_cfg.max_iters=8'
    ])
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    return dict(config=config, work_dir=work_dir, first=first,
                resumed=resumed)


def test_train_writes_checkpoint_at_iteration_4(trained):
    ckpt = torch.load(osp.join(trained['work_dir'], 'iter_4.pth'))
    assert ckpt['meta']['iter'] == 4
    assert ckpt['optimizer']['state'], 'momentum buffers were saved'


def test_resume_continues_from_4_to_8_with_state(trained):
    log = trained['resumed'].stdout + trained['resumed'].stderr
    assert 'resumed epoch: 0, iter: 4' in log
    assert 'Iter(train) [5/8]' in log and 'Iter(train) [8/8]' in log
    assert 'Iter(train) [1/8]' not in log
    ckpt4 = torch.load(osp.join(trained['work_dir'], 'iter_4.pth'))
    ckpt8 = torch.load(osp.join(trained['work_dir'], 'iter_8.pth'))
    assert ckpt8['meta']['iter'] == 8
    assert ckpt8['param_schedulers'][0]['last_step'] == 8
    assert ckpt4['param_schedulers'][0]['last_step'] == 4
    # The optimizer kept its momentum: the buffers moved on from iter 4's.
    state4, state8 = ckpt4['optimizer']['state'], ckpt8['optimizer']['state']
    assert state4.keys() == state8.keys()
    key = next(iter(state4))
    assert not torch.equal(state4[key]['momentum_buffer'],
                           state8[key]['momentum_buffer'])


def test_test_tool_prints_voc_map(trained, tool, tmp_path):
    out = str(tmp_path / 'preds.pkl')
    result = tool([
        'tools/test.py', trained['config'],
        osp.join(trained['work_dir'], 'iter_8.pth'), '--work-dir',
        str(tmp_path / 'test'), '--out', out
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'pascal_voc/mAP' in result.stdout + result.stderr
    assert osp.isfile(out)


def test_dist_train_two_cpu_processes(voc_root, tool, tmp_path):
    config = write_toy_config(str(tmp_path / 'teacher.py'), TEACHER, voc_root,
                              iters=2, extra=TOY_TEACHER_MODEL)
    result = tool([
        'tools/dist_train.sh', config, '2', '--work-dir',
        str(tmp_path / 'work')
    ], env=dict(PORT='29517', OMP_NUM_THREADS='1'))
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(tmp_path / 'work' / 'iter_2.pth')
    assert "'backend': 'gloo'" in result.stdout + result.stderr or \
        'gloo' in result.stdout + result.stderr


@pytest.mark.parametrize('case', ['config', 'checkpoint', 'option', 'root'])
def test_bad_input_gives_one_clear_line(case, voc_root, tool, tmp_path):
    config = write_toy_config(str(tmp_path / 'teacher.py'), TEACHER, voc_root,
                              extra=TOY_TEACHER_MODEL)
    work_dir = tmp_path / 'work'
    if case == 'config':
        args = ['tools/train.py', str(tmp_path / 'missing.py')]
        expected = 'config file not found'
    elif case == 'checkpoint':
        args = ['tools/test.py', config, str(tmp_path / 'missing.pth')]
        expected = 'checkpoint not found'
    elif case == 'option':
        args = ['tools/train.py', config, '--cfg-options',
                'train_cfgg.max_iters=3']
        expected = "'train_cfgg.max_iters' does not exist"
    else:
        args = ['tools/train.py', config, '--cfg-options',
                f'val_dataloader.dataset.data_root={tmp_path}/nowhere']
        expected = 'dataset root not found'
    result = tool(args + ['--work-dir', str(work_dir)])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert not work_dir.exists()
