"""Where the project's classes are registered, and how configs find them.

The story (docs/en/notes/design_decisions.md, "Registries"): every class is
registered exactly once, in the upstream registry where the code that builds
it looks; MMEngine's root registry holds what both the mmdet and the mmrazor
scope build; the ``qmimic_mm`` scope's registries hold nothing and see what
the ``mmdet`` scope sees.
"""
import glob
import os.path as osp
from typing import Dict, Iterator, List, Tuple

import mmdet.registry as mmdet_registry
import mmengine.registry as mmengine_registry
import mmrazor.registry as mmrazor_registry
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope, Registry

import qmimic_mm.registry as qmimic_registry

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))

#: Every registered name of the project -> the one registry that holds it.
WHERE: Dict[str, Registry] = {
    # detector parts, built by mmdet's detectors: mmdet's MODELS
    'WidthScaledVGG': mmdet_registry.MODELS,
    'GrayCSPNeXt': mmdet_registry.MODELS,
    'RFCNRoIHead': mmdet_registry.MODELS,
    'RFCNBBoxHead': mmdet_registry.MODELS,
    'QuantizedNeck': mmdet_registry.MODELS,
    'GrayDetDataPreprocessor': mmdet_registry.MODELS,
    'ShallowCopyFasterRCNN': mmdet_registry.MODELS,
    'CappedNMSRPNHead': mmdet_registry.MODELS,
    'SameDeviceDetDataPreprocessor': mmdet_registry.MODELS,
    # data and evaluation of mmdet's runner scope
    'WiderFaceOfficialDataset': mmdet_registry.DATASETS,
    'WiderFaceMetric': mmdet_registry.METRICS,
    'MetricThresholdVisualizationHook': mmdet_registry.HOOKS,
    # the algorithms and the distiller's parts: mmrazor's
    'QuantizationMimicDistill': mmrazor_registry.MODELS,
    'LassoChannelPruneAlgorithm': mmrazor_registry.MODELS,
    'TaylorPruneAlgorithm': mmrazor_registry.MODELS,
    'MultiLevelConnector': mmrazor_registry.MODELS,
    'QuantMimicLoss': mmrazor_registry.MODELS,
    'MultiLevelQuantMimicLoss': mmrazor_registry.MODELS,
    'TrainingRoIsRecorder': mmrazor_registry.TASK_UTILS,
    'DenseMimicRegionsRecorder': mmrazor_registry.TASK_UTILS,
    # built from both scopes (an mmdet neck, inside the mmrazor losses):
    # the root both scopes' registries descend from
    'UniformQuantizer': mmengine_registry.MODELS,
    'PowerOfTwoQuantizer': mmengine_registry.MODELS,
    # engine hooks that need neither mmdet nor mmrazor
    'AtomicCheckpointHook': mmengine_registry.HOOKS,
    'ChannelPruningHook': mmengine_registry.HOOKS,
    'DistillLossWarmupHook': mmengine_registry.HOOKS,
    'NonFiniteLossHook': mmengine_registry.HOOKS,
    'PreemptionHook': mmengine_registry.HOOKS,
    'RandomStateHook': mmengine_registry.HOOKS,
}

#: Where each top-level config key is built by MMEngine's runner.
RUNNER_PARTS = {
    'model': mmengine_registry.MODELS,
    'train_cfg': mmengine_registry.LOOPS,
    'val_cfg': mmengine_registry.LOOPS,
    'test_cfg': mmengine_registry.LOOPS,
    'optim_wrapper': mmengine_registry.OPTIM_WRAPPERS,
    'param_scheduler': mmengine_registry.PARAM_SCHEDULERS,
    'val_evaluator': mmengine_registry.METRICS,
    'test_evaluator': mmengine_registry.METRICS,
    'default_hooks': mmengine_registry.HOOKS,
    'custom_hooks': mmengine_registry.HOOKS,
    'visualizer': mmengine_registry.VISUALIZERS,
    'log_processor': mmengine_registry.LOG_PROCESSORS,
}

CONFIGS = sorted(
    osp.relpath(path, osp.join(REPO, 'configs'))
    for path in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                          recursive=True) if '_base_' not in path)


def registry_tree() -> Iterator[Registry]:
    """Every registry MMEngine knows of: its roots and their descendants."""
    todo = [value for value in vars(mmengine_registry).values()
            if isinstance(value, Registry)]
    seen = set()
    while todo:
        registry = todo.pop()
        if id(registry) not in seen:
            seen.add(id(registry))
            yield registry
            todo.extend(registry.children.values())


def project_registrations() -> List[Tuple[str, object, Registry]]:
    """(name, class or function, registry) of every qmimic_mm entry."""
    return [(name, obj, registry) for registry in registry_tree()
            for name, obj in registry.module_dict.items()
            if getattr(obj, '__module__', '').startswith('qmimic_mm.')]


def scope_registry(registry: Registry, scope: str) -> Registry:
    """The registry of ``scope`` in ``registry``'s tree, as MMEngine's
    ``switch_scope_and_registry`` picks it for a part of that scope."""
    with registry.switch_scope_and_registry(scope) as scoped:
        assert scoped.scope == scope, (registry.name, scope)
        return scoped


def root(registry: Registry) -> Registry:
    while registry.parent is not None:
        registry = registry.parent
    return registry


def ancestors(registry: Registry) -> List[Registry]:
    chain = []
    while registry is not None:
        chain.append(registry)
        registry = registry.parent
    return chain


def test_every_class_registered_once_where_documented():
    found = project_registrations()
    names = [name for name, _, _ in found]
    assert sorted(names) == sorted(WHERE), (
        'a registered name is missing from WHERE (and from the docs) or '
        'registered in two places')
    for name, _, registry in found:
        assert registry is WHERE[name], (name, registry.scope, registry.name)
    objects = [obj for _, obj, _ in found]
    assert len(set(map(id, objects))) == len(objects)


def test_qmimic_mm_scope_holds_nothing_and_sees_mmdet():
    assert qmimic_registry.__all__
    for name in qmimic_registry.__all__:
        registry = getattr(qmimic_registry, name)
        assert registry.scope == 'qmimic_mm'
        assert registry.parent is getattr(mmdet_registry, name)
        assert registry.module_dict == {}, name


@pytest.mark.parametrize('name', sorted(WHERE))
def test_found_from_every_scope_that_builds_it(name):
    registry = WHERE[name]
    cls = registry.module_dict[name]
    # the scopes whose look-ups reach the registry (their ancestor chain)
    reached = [scope for scope in ('mmdet', 'mmrazor', 'qmimic_mm')
               if registry in ancestors(scope_registry(root(registry),
                                                       scope))]
    expected = {'mmdet': ['mmdet', 'qmimic_mm'],
                'mmrazor': ['mmrazor'],
                'mmengine': ['mmdet', 'mmrazor', 'qmimic_mm']}
    assert reached == expected[registry.scope], name
    for scope in reached:
        assert scope_registry(root(registry), scope).get(name) is cls


def test_quantizer_built_in_both_scopes():
    """One registration serves the mmdet neck and the mmrazor loss."""
    with DefaultScope.overwrite_default_scope('mmdet'):
        neck = mmdet_registry.MODELS.build(
            dict(type='UniformQuantizer', levels=40))
    with DefaultScope.overwrite_default_scope('mmrazor'):
        loss = mmrazor_registry.MODELS.build(
            dict(type='QuantMimicLoss',
                 quantizer=dict(type='UniformQuantizer', levels=40)))
    assert type(loss.quantizer) is type(neck)
    assert type(neck).__name__ == 'UniformQuantizer'


def typed_parts(key: str, value) -> Iterator[Tuple[str, dict]]:
    """The dicts with a ``type`` that the runner builds for ``key``."""
    if key in ('default_hooks', ):
        for name, hook in value.items():
            if isinstance(hook, dict) and 'type' in hook:
                yield f'{key}.{name}', hook
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if isinstance(item, dict) and 'type' in item:
                yield f'{key}[{i}]', item
    elif isinstance(value, dict) and 'type' in value:
        yield key, value


def datasets_of(dataset: dict) -> Iterator[dict]:
    """``dataset`` and the datasets a wrapper (``ConcatDataset``,
    ``RepeatDataset``) holds."""
    yield dataset
    for inner in dataset.get('datasets', []) + [dataset.get('dataset')]:
        if inner is not None:
            yield from datasets_of(inner)


@pytest.mark.parametrize('name', CONFIGS)
def test_config_types_found_in_the_mmdet_and_qmimic_mm_scopes(name):
    """Each part the runner builds is found from the config's scope, and
    from the ``qmimic_mm`` scope MMEngine gives it when a user's config
    inherits it as ``qmimic_mm::<name>``."""
    cfg = Config.fromfile(osp.join(REPO, 'configs', name))
    assert cfg.default_scope == 'mmdet'
    checked = 0
    for key, registry in RUNNER_PARTS.items():
        for where, part in typed_parts(key, cfg.get(key)):
            if not isinstance(part['type'], str):
                continue
            own = part.get('_scope_', cfg.default_scope)
            scopes = {own} if '_scope_' in part else {own, 'qmimic_mm'}
            for scope in scopes:
                found = scope_registry(registry, scope).get(part['type'])
                assert found is not None, f'{name}: {where} in {scope}'
            checked += 1
    for split in ('train', 'val', 'test'):
        for dataset in datasets_of(cfg[f'{split}_dataloader'].dataset):
            for scope in ('mmdet', 'qmimic_mm'):
                datasets = scope_registry(mmengine_registry.DATASETS, scope)
                assert datasets.get(dataset.type) is not None, (name, scope)
                transforms = scope_registry(mmengine_registry.TRANSFORMS,
                                            scope)
                for step in dataset.get('pipeline', []):
                    assert transforms.get(step['type']) is not None, (
                        name, split, step['type'], scope)
            checked += 1
    assert checked > 5
