"""Where ``cfg_path`` and ``qmimic_mm::`` config names are looked up."""
import os.path as osp

import pytest
from mmengine.config.utils import MODULE2PACKAGE

from qmimic_mm.utils import config_paths
from qmimic_mm.utils.cli import UserInputError, load_config
from qmimic_mm.utils.config_paths import (load_detector_cfg,
                                          resolve_config_path)

NAME = 'rfcn/rfcn_vgg1-32_80k_wider.py'
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _write(root, name=NAME, text='model = dict(type="X")\n'):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


@pytest.fixture
def two_trees(tmp_path, monkeypatch):
    """A source tree's configs/ and a packaged .mim/configs, both in tmp."""
    source, packaged = tmp_path / 'source', tmp_path / 'packaged'
    source.mkdir()
    packaged.mkdir()
    monkeypatch.setattr(config_paths, 'source_configs', lambda: source)
    monkeypatch.setattr(config_paths, 'packaged_configs', lambda: packaged)
    work = tmp_path / 'work'
    work.mkdir()
    monkeypatch.chdir(work)
    return work, source, packaged


def test_search_order_cwd_then_source_tree_then_package(two_trees):
    work, source, packaged = two_trees
    in_package = _write(packaged)
    assert resolve_config_path(NAME, 'k') == in_package
    in_source = _write(source)
    assert resolve_config_path(NAME, 'k') == in_source
    _write(work)
    assert resolve_config_path(NAME, 'k') == NAME  # the current directory
    # A scope names the project's configs, never the current directory.
    for scope in ('qmimic_mm', 'qmimic'):
        assert resolve_config_path(f'{scope}::{NAME}', 'k') == in_source


def test_package_copy_is_used_without_a_source_tree(two_trees, monkeypatch):
    _, _, packaged = two_trees
    monkeypatch.setattr(config_paths, 'source_configs', lambda: None)
    in_package = _write(packaged)
    assert resolve_config_path(f'qmimic::{NAME}', 'k') == in_package


def test_missing_config_names_key_every_place_and_the_fix(two_trees):
    work, source, packaged = two_trees
    with pytest.raises(FileNotFoundError) as err:
        load_detector_cfg(dict(cfg_path='rfcn/nope.py'), 'model.teacher')
    message = str(err.value)
    assert message.startswith('model.teacher.cfg_path: config not found')
    for place in ('rfcn/nope.py', str(source / 'rfcn/nope.py'),
                  str(packaged / 'rfcn/nope.py')):
        assert repr(place) in message
    assert 'Fix:' in message and 'qmimic_mm::' in message
    with pytest.raises(FileNotFoundError) as err:
        resolve_config_path('qmimic_mm::rfcn/nope.py',
                            'model.architecture.cfg_path')
    assert "'rfcn/nope.py'," not in str(err.value)  # no cwd for a scope
    with pytest.raises(ValueError, match='mmcls'):
        resolve_config_path('mmcls::resnet/x.py', 'k')


def test_scoped_cfg_path_builds_and_other_scopes_pass_through():
    model = load_detector_cfg(
        dict(cfg_path=f'qmimic_mm::{NAME}', backbone=dict(base_channels=2)),
        'model.architecture')
    assert model.backbone.base_channels == 2 and model._scope_ == 'mmdet'
    mmdet = dict(cfg_path='mmdet::faster_rcnn/x.py')
    assert load_detector_cfg(mmdet, 'model.teacher') is mmdet


def test_mmengine_knows_the_scope_and_tools_take_it():
    assert MODULE2PACKAGE['qmimic_mm'] == 'qmimic_mm'
    cfg = load_config('qmimic_mm::qmimic/rfcn_vgg1-32_wider.py')
    assert cfg.filename == osp.join(REPO, 'configs', 'qmimic',
                                    'rfcn_vgg1-32_wider.py')
    with pytest.raises(UserInputError, match='CONFIG: config not found'):
        load_config('qmimic_mm::qmimic/nope.py')
