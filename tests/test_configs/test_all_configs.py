"""Every config under configs/ loads, builds and runs a training step."""
import glob
import os.path as osp

import pytest
import torch
from mmdet.testing import demo_mm_inputs
from mmdet.utils import register_all_modules
from mmengine.config import Config
from mmengine.registry import MODELS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    osp.relpath(path, osp.join(REPO, 'configs'))
    for path in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                          recursive=True)
    if '_base_' not in path)


@pytest.fixture(scope='module', autouse=True)
def mmdet_scope():
    register_all_modules(init_default_scope=True)


def test_configs_were_found():
    names = set(CONFIGS)
    assert 'qmimic/rfcn_vgg1-32_wider.py' in names
    assert 'qmimic/faster-rcnn_r18-quant_r18-1-16_40k_voc0712.py' in names
    assert 'qmimic/rtmdet_cspnext-1-32_wider.py' in names
    assert 'qmimic/retinanet_r18-quant_r18-1-16_40k_voc0712.py' in names
    assert len(CONFIGS) >= 20


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds_and_trains_one_step(name):
    cfg = Config.fromfile(osp.join(REPO, 'configs', name))
    # the demo configs also register the demo's metric (projects/)
    assert cfg.custom_imports.imports == ['qmimic_mm.all_modules'] + (
        ['projects.qmimic_demo.qmimic_demo.demo_face_metric']
        if name.startswith('demo/') else [])
    for key in ('train_dataloader', 'val_dataloader', 'val_evaluator',
                'optim_wrapper', 'param_scheduler', 'train_cfg'):
        assert key in cfg, f'{name} lacks {key}'
    model_cfg = cfg.model
    if 'teacher_ckpt' in model_cfg:
        model_cfg.teacher_ckpt = None  # weights are not needed to build
    if 'init_ckpt' in model_cfg:  # the pruning baselines' unpruned weights
        model_cfg.init_ckpt = None
    model = MODELS.build(model_cfg)
    model.train()
    channels = model.data_preprocessor.mean.numel()
    torch.manual_seed(0)
    inputs = demo_mm_inputs(batch_size=1, image_shapes=[(channels, 96, 128)],
                            num_items=[2], num_classes=2)
    for sample in inputs['data_samples']:  # class 0 exists in every config
        sample.gt_instances.labels.zero_()
    data = model.data_preprocessor(inputs, True)
    losses = model.loss(data['inputs'], data['data_samples'])
    total = model.parse_losses(losses)[0]  # per-level lists included
    assert torch.isfinite(total) and total > 0
    if 'teacher' in model_cfg:
        assert any(k.startswith('distill.') for k in losses)
        assert any(k.startswith('student.') for k in losses)
