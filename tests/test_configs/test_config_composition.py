"""Configs are composed through ``_base_`` the way MMDetection's are.

- no config copies keys with ``globals().update``;
- no config is more than three ``_base_`` levels deep;
- each old config name is an alias that loads to its new name's config,
  and the docs' renames table lists exactly these aliases;
- the CPU speed overrides are named in one demo base only, and the
  full-scale configs build mmdet's own types.
"""
import ast
import glob
import importlib.util
import os.path as osp
import re
from typing import Dict, List

import pytest
from mmengine.config import Config

from conftest import CONFIGS, REPO, is_config_alias
from qmimic_mm.utils.config_paths import load_detector_cfg

ALL_FILES = sorted(
    glob.glob(osp.join(CONFIGS, '**', '*.py'), recursive=True))
RENAMES_DOC = osp.join(REPO, 'docs', 'en', 'user_guides', 'train_test.md')
MAX_DEPTH = 3
#: The registered names of the CPU speed overrides and their switch.
SPEED_OVERRIDES = ('ShallowCopyFasterRCNN', 'SameDeviceDetDataPreprocessor',
                   'CappedNMSRPNHead', 'tiny_conv_stages')
SPEED_OVERRIDES_BASE = osp.join(CONFIGS, 'demo', '_base_',
                                'cpu_speed_overrides.py')
FULL_SCALE_FOLDERS = ('rfcn', 'faster_rcnn', 'retinanet', 'rtmdet', 'qmimic',
                      'mimic', 'pruning')


def rel(path: str) -> str:
    return osp.relpath(path, CONFIGS)


def read(path: str) -> str:
    with open(path) as f:
        return f.read()


def base_paths(path: str) -> List[str]:
    """The files ``path``'s ``_base_`` names (``mmdet::`` ones included)."""
    for node in ast.parse(read(path)).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], 'id', None) == '_base_'):
            value = ast.literal_eval(node.value)
            names = [value] if isinstance(value, str) else list(value)
            return [resolve_base(path, name) for name in names]
    return []


def resolve_base(path: str, name: str) -> str:
    scope, sep, rest = name.partition('::')
    if not sep:
        return osp.normpath(osp.join(osp.dirname(path), name))
    package = importlib.util.find_spec(scope).submodule_search_locations[0]
    return osp.join(package, '.mim', 'configs', rest)


def depth(path: str) -> int:
    """Levels of ``_base_`` below ``path`` (0: it inherits nothing)."""
    return max((1 + depth(base) for base in base_paths(path)), default=0)


def aliases() -> Dict[str, str]:
    """Old name -> new name, both relative to configs/, from the files."""
    found = {}
    for path in ALL_FILES:
        if is_config_alias(path):
            (target, ) = base_paths(path)
            found[rel(path)] = rel(target)
    return found


def documented_renames() -> Dict[str, str]:
    rows = re.findall(r'^\| `configs/(\S+\.py)` \| `configs/(\S+\.py)` \|$',
                      read(RENAMES_DOC), flags=re.M)
    return dict(rows)


def test_no_config_copies_keys_with_globals():
    offenders = [rel(p) for p in ALL_FILES if 'globals()' in read(p)]
    assert offenders == []


@pytest.mark.parametrize('path', ALL_FILES, ids=rel)
def test_base_chain_is_at_most_three_levels(path):
    # an old-name alias is its new config under another name
    if is_config_alias(path):
        (path, ) = base_paths(path)
    assert depth(path) <= MAX_DEPTH


def test_depth_counts_levels():
    # a real chain: headline -> distill model base -> QM wiring
    assert depth(osp.join(CONFIGS, 'qmimic', 'rfcn_vgg1-32_wider.py')) == 2
    assert depth(osp.join(CONFIGS, '_base_', 'distill',
                          'quantization_mimic.py')) == 0


def test_renames_are_documented_aliases():
    found = aliases()
    assert len(found) >= 1
    assert found == documented_renames()
    for old, new in found.items():
        assert osp.isfile(osp.join(CONFIGS, new)), new
        # one release of grace: the alias is a comment and its _base_ only
        lines = read(osp.join(CONFIGS, old)).strip().splitlines()
        assert len(lines) == 2, old


@pytest.mark.parametrize('old,new', sorted(aliases().items()))
def test_alias_loads_to_its_new_config(old, new):
    old_cfg = Config.fromfile(osp.join(CONFIGS, old)).to_dict()
    new_cfg = Config.fromfile(osp.join(CONFIGS, new)).to_dict()
    assert old_cfg == new_cfg


def test_speed_overrides_are_named_in_one_config_file():
    naming = [rel(p) for p in ALL_FILES
              if any(name in read(p) for name in SPEED_OVERRIDES)]
    assert naming == [rel(SPEED_OVERRIDES_BASE)]


def _models(cfg: Config) -> List[dict]:
    """The detector dicts of a config: its model, or the student and
    teacher that a distillation or pruning model names by cfg_path."""
    model = cfg.model
    found = [model] if 'architecture' not in model else []
    for key in ('architecture', 'teacher'):
        if key in model:
            found.append(load_detector_cfg(model[key], f'model.{key}'))
    return found


FULL_SCALE = sorted(
    rel(p) for folder in FULL_SCALE_FOLDERS
    for p in glob.glob(osp.join(CONFIGS, folder, '*.py')))


@pytest.mark.parametrize('name', FULL_SCALE)
def test_full_scale_configs_use_mmdet_types(name):
    for model in _models(Config.fromfile(osp.join(CONFIGS, name))):
        text = str(model.to_dict() if hasattr(model, 'to_dict') else model)
        for override in SPEED_OVERRIDES:
            assert override not in text, (name, override)


@pytest.mark.parametrize('name,tiny', [
    ('demo/rfcn_vgg1-32_demo.py', True),
    ('demo/rfcn_vgg1-4_demo.py', False),
    ('demo/qmimic_rfcn_vgg1-32_demo.py', True),
])
def test_demo_rfcn_configs_opt_in(name, tiny):
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    student = _models(cfg)[0]
    assert student['type'] == 'ShallowCopyFasterRCNN'
    assert (student['data_preprocessor']['type'] ==
            'SameDeviceDetDataPreprocessor')
    assert student['rpn_head']['type'] == 'CappedNMSRPNHead'
    assert bool(student['backbone'].get('tiny_conv_stages')) is tiny
