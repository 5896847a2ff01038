"""Table 2's pruning baselines end to end through the user's tools, at toy
size: train a teacher; prune it with each configs/pruning config through
tools/train.py; test the exported plain checkpoint with tools/test.py."""
import os.path as osp

import pytest
import torch

from conftest import run_tool
from toy_configs import write_wider_toy_config

TEACHER = 'rfcn/rfcn_vgg1-4_80k_wider.py'
LASSO = 'pruning/lasso_rfcn_vgg1-4-pruned8_80k_wider.py'
TAYLOR = 'pruning/taylor_rfcn_vgg1-4-pruned8_80k_wider.py'
VGG1_32_WIDTHS = [2, 2, 4, 4, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16, 32]


def _train(config: str, work_dir: str, *extra: str) -> str:
    result = run_tool(['tools/train.py', config, '--work-dir', work_dir,
                       *extra])
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.fixture(scope='module')
def teacher(tmp_path_factory):
    from projects.qmimic_demo.qmimic_demo.demo_faces import (
        DemoFacesConfig, make_demo_faces)
    tmp = tmp_path_factory.mktemp('pruning')
    root = str(tmp / 'wider') + '/'
    make_demo_faces(root, DemoFacesConfig(num_train=6, num_val=3, num_test=3,
                                          seed=1), progress=False)
    config = write_wider_toy_config(str(tmp / 'teacher.py'), TEACHER, root,
                                    iters=2)
    _train(config, str(tmp / 'teacher'))
    return root, str(tmp / 'teacher' / 'iter_2.pth')


def test_lasso_pruning_trains_exports_and_tests(teacher, tmp_path):
    root, ckpt = teacher
    config = write_wider_toy_config(
        str(tmp_path / 'lasso.py'), LASSO, root, iters=2,
        extra=f'model = dict(init_ckpt={ckpt!r}, num_batches=2, '
        'num_points=8)\n')
    log = _train(config, str(tmp_path / 'lasso'))
    assert 'channel pruning: backbone.stage1.0.conv: 16 -> 2 channels' in log
    assert 'wider/easy' in log  # validation of the masked detector
    pruned = str(tmp_path / 'lasso' / 'pruned_iter_2.pth')
    pruned_cfg = str(tmp_path / 'lasso' / 'pruned_iter_2_config.py')
    assert osp.isfile(pruned) and osp.isfile(pruned_cfg)
    state = torch.load(pruned, map_location='cpu', weights_only=True)
    assert list(state['meta']['kept_channels'].values()) == VGG1_32_WIDTHS
    assert not any(k.startswith(('architecture.', 'mutator.'))
                   for k in state['state_dict'])
    result = run_tool(['tools/test.py', pruned_cfg, pruned, '--work-dir',
                       str(tmp_path / 'test')])
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'wider/easy' in result.stdout + result.stderr
    # the same checkpoint under the repository's pruned-architecture config
    result = run_tool([
        'tools/test.py',
        write_wider_toy_config(str(tmp_path / 'pruned.py'),
                               'pruning/rfcn_vgg1-4-pruned8_80k_wider.py',
                               root), pruned, '--work-dir',
        str(tmp_path / 'test2')
    ])
    assert result.returncode == 0, result.stderr[-3000:]


def test_taylor_pruning_steps_while_training(teacher, tmp_path):
    root, ckpt = teacher
    config = write_wider_toy_config(
        str(tmp_path / 'taylor.py'), TAYLOR, root, iters=3,
        extra=f'model = dict(init_ckpt={ckpt!r}, prune_interval=1, '
        'num_prune_steps=2)\n')
    log = _train(config, str(tmp_path / 'taylor'))
    assert 'Taylor pruning step 1/2 at iteration 1: channels per unit ' \
        '[6, 6, 11, 11, 23, 23, 23, 45, 45, 45, 45, 45, 45, 45, 91]' in log
    assert 'Taylor pruning step 2/2 at iteration 2' in log
    state = torch.load(str(tmp_path / 'taylor' / 'pruned_iter_3.pth'),
                       map_location='cpu', weights_only=True)
    assert list(state['meta']['kept_channels'].values()) == VGG1_32_WIDTHS
    # the converter exports any checkpoint of the run the same way
    out = str(tmp_path / 'exported.pth')
    result = run_tool(['tools/model_converters/export_pruned.py', config,
                       str(tmp_path / 'taylor' / 'iter_3.pth'), out])
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(str(tmp_path / 'exported_config.py'))
    exported = torch.load(out, map_location='cpu', weights_only=True)
    assert exported['state_dict'].keys() == state['state_dict'].keys()
    for key, value in state['state_dict'].items():
        assert torch.equal(exported['state_dict'][key], value), key

    # a budget that cannot be met, or a schedule too short: one line, exit 2
    for option, message in (
        ('model.pruning_ratio=0.5', 'model.pruning_ratio=0.5: a pruning '
         'ratio is channels before / after and must be >= 1'),
        ('model.pruning_ratio=40', 'removes every channel of '
         'backbone.stage1.0.conv: 16 channels / 40 = 0.4 rounds to 0'),
        ('model.num_prune_steps=5', 'model.prune_interval (1) x '
         'model.num_prune_steps (5) = 5 iterations, but '
         'train_cfg.max_iters is 3'),
    ):
        bad = run_tool(['tools/train.py', config, '--work-dir',
                        str(tmp_path / 'bad'), '--cfg-options', option])
        assert bad.returncode == 2, bad.stderr[-2000:]
        assert message in bad.stderr and 'Traceback' not in bad.stderr
