"""The model zoo index: every config folder has a README.md and a
metafile.yml in OpenMMLab's model-index format, model-index.yml lists them,
and every entry points at an existing config with metrics that are numbers.

Generic over ``configs/*/`` (all but ``_base_``), so that a folder added
later is checked the same way.
"""
import glob
import os.path as osp
from typing import Any, Dict, List

import pytest
import yaml

from conftest import CONFIGS, REPO, is_config_alias

FOLDERS = sorted(
    name for name in map(osp.basename, glob.glob(osp.join(CONFIGS, '*')))
    if osp.isdir(osp.join(CONFIGS, name)) and name != '_base_')
COLLECTION_KEYS = ('Name', 'Paper')
MODEL_KEYS = ('Name', 'In Collection', 'Config', 'Metadata')
RESULT_KEYS = ('Task', 'Dataset', 'Metrics')


def load_metafile(folder: str) -> Dict[str, Any]:
    with open(osp.join(CONFIGS, folder, 'metafile.yml')) as f:
        return yaml.safe_load(f)


def is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def test_there_are_config_folders():
    assert {'qmimic', 'mimic', 'rfcn', 'faster_rcnn', 'pruning',
            'demo'} <= set(FOLDERS)


@pytest.mark.parametrize('folder', FOLDERS)
def test_folder_has_readme_and_metafile(folder):
    for name in ('README.md', 'metafile.yml'):
        assert osp.isfile(osp.join(CONFIGS, folder, name)), (
            f'configs/{folder}/ has no {name}')


def test_model_index_lists_every_metafile():
    with open(osp.join(REPO, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    listed = index['Import']
    assert sorted(listed) == [f'configs/{folder}/metafile.yml'
                              for folder in FOLDERS]


@pytest.mark.parametrize('folder', FOLDERS)
def test_metafile_entries(folder):
    meta = load_metafile(folder)
    assert set(meta) <= {'Collections', 'Models'}, set(meta)
    collections = meta['Collections']
    assert collections, f'configs/{folder}/metafile.yml has no Collections'
    names = set()
    for collection in collections:
        for key in COLLECTION_KEYS:
            assert key in collection, (folder, collection.get('Name'), key)
        paper = collection['Paper']
        assert paper.get('Title') and paper.get('URL'), (folder, paper)
        if 'README' in collection:
            assert osp.isfile(osp.join(REPO, collection['README']))
        names.add(collection['Name'])
    models: List[Dict[str, Any]] = meta['Models']
    assert models, f'configs/{folder}/metafile.yml has no Models'
    for model in models:
        where = (folder, model.get('Name'))
        for key in MODEL_KEYS:
            assert key in model, (*where, key)
        assert model['In Collection'] in names, where
        config = model['Config']
        assert config.startswith(f'configs/{folder}/'), where
        assert osp.isfile(osp.join(REPO, config)), (*where, config)
        metadata = model['Metadata']
        for key in ('Params', 'FLOPs'):
            if key in metadata:
                assert is_number(metadata[key]), (*where, key)
        for result in model.get('Results', []):
            for key in RESULT_KEYS:
                assert key in result, (*where, key)
            assert result['Metrics'], where
            for metric, value in result['Metrics'].items():
                assert is_number(value), (*where, metric, value)


@pytest.mark.parametrize('folder', FOLDERS)
def test_every_config_is_indexed(folder):
    """Each config file of the folder (not its _base_, not an old name
    kept for one release) has one entry."""
    configs = sorted(
        osp.relpath(path, REPO)
        for path in glob.glob(osp.join(CONFIGS, folder, '*.py'))
        if not is_config_alias(path))
    indexed = sorted(model['Config'] for model in load_metafile(folder)
                     ['Models'])
    assert indexed == configs


def test_model_names_are_unique():
    names = [model['Name'] for folder in FOLDERS
             for model in load_metafile(folder)['Models']]
    duplicates = {name for name in names if names.count(name) > 1}
    assert not duplicates, duplicates
