"""The variance study's schedule variants and its reading of the logs."""
import json
import math
import os

import pytest
from mmengine.config import Config

from projects.qmimic_demo.qmimic_demo import variance_study as vs

QM_DEMO = 'configs/demo/qmimic_rfcn_vgg1-32_demo.py'


def _variant(name):
    return {v.name: v for v in vs.VARIANTS}[name]


def test_batch4_keeps_the_epochs_and_scales_every_iteration_count():
    cfg = Config.fromfile(QM_DEMO)
    assert cfg.train_dataloader.batch_size == 2
    _variant('batch4-lr0.2').apply(cfg)
    assert cfg.train_dataloader.batch_size == 4
    assert cfg.optim_wrapper.optimizer.lr == 0.2
    assert cfg.train_cfg.max_iters == 1000
    assert cfg.train_cfg.val_interval == 1000
    step = [s for s in cfg.param_scheduler if s.type == 'MultiStepLR'][0]
    assert (step.end, step.milestones) == (1000, [750])
    warmup = [h for h in cfg.custom_hooks
              if h.type == 'DistillLossWarmupHook'][0]
    assert warmup.warmup_iters == 50


def test_ema_adds_mmdets_ema_hook_and_nothing_else():
    cfg = Config.fromfile(QM_DEMO)
    before = cfg.to_dict()
    _variant('ema').apply(cfg)
    after = cfg.to_dict()
    ema = after['custom_hooks'][-1]
    assert ema['type'] == 'EMAHook'
    assert ema['ema_type'] == 'ExpMomentumEMA'
    assert after['custom_hooks'][:-1] == before['custom_hooks']
    after['custom_hooks'] = before['custom_hooks']
    assert after == before


def _write_scalars(stage_dir, rows):
    vis = os.path.join(stage_dir, '20260101_000000', 'vis_data')
    os.makedirs(vis)
    with open(os.path.join(vis, 'scalars.json'), 'w') as f:
        for row in rows:
            f.write(json.dumps(row) + '\n')


def _training(easy, medium=0.2, hard=0.1):
    return [{'iter': 50, 'time': 0.1, 'loss': 1.0},
            {'iter': 100, 'time': 0.3, 'loss': 0.5},
            {'wider/easy': easy, 'wider/medium': medium, 'wider/hard': hard,
             'step': 100}]


def test_logs_give_the_val_ap_and_the_training_seconds(tmp_path):
    stage = str(tmp_path / 'stage')
    _write_scalars(stage, _training(0.5, 0.4, 0.3))
    assert vs.val_ap(stage) == {'easy': 0.5, 'medium': 0.4, 'hard': 0.3}
    # 50 iterations at 0.1 s, then 50 at 0.3 s
    assert vs.train_seconds(stage) == pytest.approx(20.0)
    assert vs.val_ap(str(tmp_path / 'missing')) is None


def test_report_pairs_each_variant_with_the_base_of_its_seed(tmp_path):
    claims, out = tmp_path / 'claims', tmp_path / 'claims' / 'study'
    base = {0: 0.40, 1: 0.60, 2: 0.50}
    ema = {0: 0.45, 1: 0.62, 2: 0.58}  # differences +0.05 +0.02 +0.08
    for k in base:
        for _, stage in vs.MODELS:
            _write_scalars(str(claims / f'seed{k}' / stage),
                           _training(base[k]))
            _write_scalars(str(out / 'ema' / f'seed{k}' / stage),
                           _training(ema[k]))
    text = vs.report(str(claims), str(out), [0, 1, 2])
    ema_rows = [r for r in text.splitlines() if 'EMA weights' in r]
    assert len(ema_rows) == len(vs.MODELS)
    # mean +0.05, sd 0.03, t(0.975, 2) = 4.303: half-width 0.0745
    half = 4.302653 * 0.03 / math.sqrt(3)
    assert '+0.050' in ema_rows[0]
    assert f'[{0.05 - half:+.3f}, {0.05 + half:+.3f}]' in ema_rows[0]
    # ema easy: deviations -0.10, +0.07, +0.03 from 0.55: sd sqrt(0.0158 / 2)
    assert '0.550 ± 0.089' in ema_rows[0]
    # variants that were not run read n/a, not a number
    batch_rows = [r for r in text.splitlines() if 'batch 4, lr 0.1' in r]
    assert all('n/a' in r for r in batch_rows)


def test_a_missing_claims_run_names_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match='--claims qm-vs-scratch'):
        vs.dumped_config(str(tmp_path / 'seed0' / 'rfcn_vgg1-32_demo'))
