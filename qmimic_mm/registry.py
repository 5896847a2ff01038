"""Registries of the ``qmimic_mm`` scope.

A config that inherits one of this project's configs from an installed
package (``_base_ = 'qmimic_mm::qmimic/rfcn_vgg1-32_wider.py'``) gets
``_scope_='qmimic_mm'`` on every top-level part that names no scope of its
own (MMEngine's rule for ``pkg::`` bases). MMEngine then builds those parts
from the registries below: one child of each MMDetection registry, so a
type is found in this scope, then in MMDetection's, then in MMEngine's. The
project's modules register into MMDetection's and MMRazor's registries
(``qmimic_mm.all_modules``, imported on first look-up).
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
