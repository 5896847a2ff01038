"""Fixes that make the pinned OpenMMLab stack run on torch 2.13.

``apply_all`` runs on ``import qmimic_mm`` (and therefore through a
config's ``custom_imports``) before mmrazor is imported anywhere.
"""
from . import mmrazor_torch2


def apply_all() -> None:
    """Apply every compatibility fix; safe to call more than once."""
    mmrazor_torch2.apply()
    from . import safe_checkpoint  # imports mmengine, so after the torch fix
    safe_checkpoint.apply()


__all__ = ['apply_all']
