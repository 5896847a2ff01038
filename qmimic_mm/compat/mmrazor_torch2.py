"""Make mmrazor 1.0.0 importable on torch >= 2.0.

mmrazor 1.0.0 (the last release) fails at ``import mmrazor.models`` with
``ImportError: torch>=1.13 is not installed properly`` on torch 2.x
(upstream: open-mmlab/mmrazor issues #615 and #632, fixed on its main branch
but never released). Two things break at import time:

1. ``backend_config/common_operator_config_utils.py`` imports ``reverse2``,
   ``reverse3`` and ``reverse_sequential_wrapper2`` from
   ``torch.ao.quantization.fuser_method_mappings``; torch 2 dropped them.
2. ``backend_config/mapping.py`` builds every quantization backend config at
   import time with torch-1.13-only APIs.

The fix mirrors upstream's: provide the three small fuser helpers when torch
lacks them, and pre-register a ``mapping`` module whose backend configs are
``None`` (what upstream does on any torch other than 1.13). Only mmrazor's
QAT/PTQ algorithms depend on those configs; distillation does not.
"""
import sys
import types
from typing import Any, Callable

MAPPING_MODULE = 'mmrazor.structures.quantization.backend_config.mapping'
BACKENDS = ('academic', 'native', 'tensorrt', 'openvino')


def _reverse_sequential_wrapper2(sequential: Callable) -> Callable:
    """Fuser method building ``sequential(m1, m2)`` (torch 1.13 helper)."""

    def fuser_method(is_qat: bool, m1: Any, m2: Any) -> Any:
        return sequential(m1, m2)

    return fuser_method


def _reverse2(fuser: Callable) -> Callable:
    """Fuser method taking its two modules in reverse order."""

    def reversed_fuser(is_qat: bool, x: Any, y: Any) -> Any:
        return fuser(is_qat, y, x)

    return reversed_fuser


def _reverse3(fuser: Callable) -> Callable:
    """Fuser method taking ``(x, (y, z))`` and calling ``fuser(z, y, x)``."""

    def reversed_fuser(is_qat: bool, x: Any, w: Any) -> Any:
        y, z = w
        return fuser(is_qat, z, y, x)

    return reversed_fuser


def apply() -> None:
    """Patch torch and pre-register the mapping module; idempotent.

    Must run before ``mmrazor`` is first imported; ``qmimic_mm.models`` calls
    it. If mmrazor was already imported successfully nothing is needed.
    """
    from torch.ao.quantization import fuser_method_mappings as fmm
    for name, helper in (('reverse2', _reverse2), ('reverse3', _reverse3),
                         ('reverse_sequential_wrapper2',
                          _reverse_sequential_wrapper2)):
        if not hasattr(fmm, name):
            setattr(fmm, name, helper)

    if MAPPING_MODULE not in sys.modules:
        mapping = types.ModuleType(MAPPING_MODULE)
        mapping.__doc__ = ('Stand-in installed by qmimic_mm: quantization '
                           'backend configs are unavailable on torch 2.x.')
        mapping.BackendConfigs = {name: None for name in BACKENDS}
        sys.modules[MAPPING_MODULE] = mapping
