"""Config checks the tools run before writing anything."""
import pytest
from mmengine.config import Config

from qmimic_mm.utils import (UserInputError, check_cfg_options,
                             check_data_roots, load_detector_cfg)


def _cfg() -> Config:
    return Config(dict(
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=10),
        model=dict(type='X', backbone=dict(type='ResNet', depth=18),
                   teacher=dict(cfg_path='faster_rcnn/a.py')),
        train_dataloader=dict(dataset=dict(
            type='RepeatDataset',
            dataset=dict(type='ConcatDataset',
                         datasets=[dict(data_root='/no')]))),
        items=[dict(a=1)]))


@pytest.mark.parametrize('key', [
    'train_cfg.max_iters', 'model.backbone.frozen_stages',
    'model.teacher.backbone.depth', 'items.0.a'
])
def test_existing_or_constructor_keys_pass(key):
    check_cfg_options(_cfg(), {key: 1})


@pytest.mark.parametrize('key,hint', [
    ('train_cfgg.max_iters', "did you mean 'train_cfg.max_iters'"),
    ('model.backbone.stem.depth', ''),
    ('items.3.a', ''),
])
def test_unknown_keys_are_named(key, hint):
    with pytest.raises(UserInputError, match=key.replace('.', r'\.')) as err:
        check_cfg_options(_cfg(), {key: 1})
    assert hint in str(err.value)


def test_nested_dataset_roots_are_checked():
    with pytest.raises(UserInputError) as err:
        check_data_roots(_cfg(), ['train_dataloader'])
    assert ('train_dataloader.dataset.dataset.datasets.0.data_root'
            in str(err.value))


def test_cfg_path_models_merge_overrides():
    model = load_detector_cfg(
        dict(cfg_path='faster_rcnn/faster-rcnn_r18-1-16-dc5_40k_voc0712.py',
             backbone=dict(base_channels=2)), 'model.architecture')
    assert model.backbone.base_channels == 2
    assert model.backbone.depth == 18 and model._scope_ == 'mmdet'
    with pytest.raises(FileNotFoundError, match='model.teacher.cfg_path'):
        load_detector_cfg(dict(cfg_path='nope.py'), 'model.teacher')


def test_check_output_path_refuses_the_input(tmp_path):
    from qmimic_mm.utils import check_output_path
    source = str(tmp_path / 'run' / 'iter_2.pth')
    check_output_path(source, str(tmp_path / 'student.pth'))
    with pytest.raises(UserInputError,
                       match='refusing to overwrite the input checkpoint'):
        check_output_path(source, str(tmp_path / 'run' / '..' / 'run' /
                                      'iter_2.pth'))
