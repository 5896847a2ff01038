"""Fixes that make the pinned OpenMMLab stack run on torch 2.13.

Nothing is patched on ``import qmimic_mm``. ``apply_all`` is called
explicitly where it is needed: by ``qmimic_mm.models`` (so before mmrazor is
imported and before a model reads ``teacher_ckpt``), by
``qmimic_mm.all_modules`` (a config's ``custom_imports``), by the tools that
build runners, and by :func:`~.safe_checkpoint.safe_torch_load`. It is
idempotent.

* :mod:`.mmrazor_torch2`: mmrazor 1.0.0 importable on torch >= 2.0;
* :mod:`.safe_checkpoint`: mmengine checkpoints load with
  ``weights_only=True``; damaged files become one-line errors.
"""
from . import mmrazor_torch2


def apply_all() -> None:
    """Apply every compatibility fix; safe to call more than once."""
    mmrazor_torch2.apply()
    from . import safe_checkpoint  # imports mmengine, so after the torch fix
    safe_checkpoint.apply()


__all__ = ['apply_all']
