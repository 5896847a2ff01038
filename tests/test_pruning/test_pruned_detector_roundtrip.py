"""A pruned R-FCN round-trips through save, load and test, at the budget."""
import pytest
import torch
from mmdet.registry import MODELS as DET_MODELS
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmrazor.registry import MODELS

from qmimic_mm.analysis.flops import count_complexity
from qmimic_mm.compat.safe_checkpoint import safe_torch_load
from qmimic_mm.pruning import DetectorFeaturePath
from qmimic_mm.utils.config_paths import PROJECT_CONFIGS

TEACHER = 'rfcn/rfcn_vgg1-4_80k_wider.py'
PRUNED = str(PROJECT_CONFIGS / 'pruning/rfcn_vgg1-4-pruned8_80k_wider.py')
VGG1_32 = str(PROJECT_CONFIGS / 'rfcn/rfcn_vgg1-32_80k_wider.py')


@pytest.fixture(scope='module')
def pruned():
    init_default_scope('mmdet')
    torch.manual_seed(0)
    algorithm = MODELS.build(
        dict(_scope_='mmrazor', type='LassoChannelPruneAlgorithm',
             architecture=dict(cfg_path=TEACHER), num_points=20))
    algorithm.architecture.init_weights()
    images = [torch.randn(2, 1, 64, 96) for _ in range(3)]
    report = algorithm.pruner.prune(images, algorithm.targets)
    return algorithm, report


def test_lasso_pruning_reaches_vgg1_32_widths(pruned):
    algorithm, report = pruned
    widths = algorithm.current_widths()
    assert list(widths.values()) == [
        2, 2, 4, 4, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16, 32
    ]
    assert list(widths) == list(report)
    for unit in report.values():  # the refit never does worse
        assert unit['err_refit'] <= unit['err_selected'] + 1e-9


def test_save_load_test_roundtrip(pruned, tmp_path):
    algorithm, _ = pruned
    checkpoint, model_cfg = algorithm.export_checkpoint()
    assert model_cfg.backbone.channels == Config.fromfile(
        PRUNED).model.backbone.channels
    path = str(tmp_path / 'pruned.pth')
    torch.save(checkpoint, path)
    loaded = safe_torch_load(path, map_location='cpu')
    assert loaded['meta']['kept_channels']['rpn_head.rpn_conv'] == 16

    detector = DET_MODELS.build(Config.fromfile(PRUNED).model)
    detector.load_state_dict(loaded['state_dict'])  # strict
    detector.eval()
    algorithm.eval()
    x = torch.randn(1, 1, 64, 96)
    with torch.no_grad():
        ours = DetectorFeaturePath(algorithm.architecture)(x)
        theirs = DetectorFeaturePath(detector)(x)
        for a, b in zip(ours, theirs):
            assert torch.allclose(a, b, atol=1e-5)
        sample = DetDataSample(metainfo=dict(
            img_shape=(64, 96), ori_shape=(64, 96), scale_factor=(1., 1.)))
        masked = algorithm(x, [sample], mode='predict')[0]
        plain = detector(x, [sample.clone()], mode='predict')[0]
    assert torch.allclose(masked.pred_instances.scores,
                          plain.pred_instances.scores, atol=1e-5)


def test_pruned_cost_within_10_percent_of_vgg1_32():
    init_default_scope('mmdet')
    costs = {}
    for name, cfg in (('pruned', PRUNED), ('vgg1_32', VGG1_32)):
        model = DET_MODELS.build(Config.fromfile(cfg).model).eval()
        costs[name] = count_complexity(model, (192, 256))
    for key in ('params', 'flops'):
        ratio = costs['pruned'][key] / costs['vgg1_32'][key]
        assert abs(ratio - 1) <= 0.10, (key, ratio)


@pytest.mark.parametrize('kwargs, message', [
    (dict(pruning_ratio=0.5), r'model.pruning_ratio=0.5: a pruning ratio is '
     r'channels before / after and must be >= 1'),
    (dict(pruning_ratio=40), r'removes every channel of '
     r'backbone.stage1.0.conv: 16 channels / 40 = 0.4 rounds to 0'),
    (dict(keep_channels={'rpn_head.rpn_conv': 200}),
     r"keep_channels\['rpn_head.rpn_conv'\]=200: the unit has 128 channels, "
     r'so -72 would be removed'),
])
def test_unmeetable_budget_fails_at_build(kwargs, message):
    init_default_scope('mmdet')
    with pytest.raises(ValueError, match=message):
        MODELS.build(dict(_scope_='mmrazor', type='TaylorPruneAlgorithm',
                          architecture=dict(cfg_path=TEACHER), **kwargs))


def test_finetune_before_lasso_pruning_is_refused():
    init_default_scope('mmdet')
    algorithm = MODELS.build(
        dict(_scope_='mmrazor', type='LassoChannelPruneAlgorithm',
             architecture=dict(cfg_path=TEACHER)))
    with pytest.raises(ValueError, match=r"add custom_hooks = \[dict\("
                       r"type='ChannelPruningHook'\)\]"):
        algorithm.train_step({}, None)
