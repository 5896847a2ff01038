"""The ``qmimic_mm`` scope: registries that hold nothing of their own.

The project registers each of its classes once, in the upstream registry
where the code that builds it looks (docs: design decisions,
"Registries"): mmdet's for detector parts, datasets, metrics and mmdet's
visualization hook; mmrazor's for the algorithms and the distiller's
connectors, losses and recorders; MMEngine's root ``MODELS`` for the
quantizers (an mmdet neck and part of the mmrazor losses: both scopes end
there) and ``HOOKS`` for the engine hooks, which need neither library.
``tests/test_registry.py`` holds that table.

The registries below exist for one MMEngine rule only: a config that
inherits one of this project's configs from an installed package
(``_base_ = 'qmimic_mm::qmimic/rfcn_vgg1-32_wider.py'``) gets
``_scope_='qmimic_mm'`` on every top-level part that names no scope of its
own, and MMEngine builds such a part from the registry of that scope,
found by importing ``qmimic_mm.registry``. Each is a child of the MMDetection
registry of the same name, so the ``qmimic_mm`` scope finds exactly what
the ``mmdet`` scope (the configs' ``default_scope``) finds. Nothing may
register into them: a type would then exist in one scope and not the
other.
"""
from mmdet import registry as _mmdet
from mmengine.registry import Registry

_LOCATIONS = ['qmimic_mm.all_modules']

__all__ = sorted(
    name for name, value in vars(_mmdet).items()
    if isinstance(value, Registry))

for _name in __all__:
    _parent = getattr(_mmdet, _name)
    globals()[_name] = Registry(
        _parent.name, parent=_parent, scope='qmimic_mm',
        locations=_LOCATIONS)
