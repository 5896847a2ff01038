"""Register every model, dataset, metric and hook of the project.

The configs import this through ``custom_imports`` (see
``configs/_base_/default_runtime.py``), as MMDetection projects do; the
builders then find the project's types in mmdet's, mmrazor's and MMEngine's
registries (which class is where, and why: :mod:`qmimic_mm.registry`).
The stack fixes of :mod:`qmimic_mm.compat` are applied first (explicitly,
idempotently), before mmrazor is imported and before any checkpoint is read.
"""
from qmimic_mm.compat import apply_all

apply_all()

from qmimic_mm import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['datasets', 'engine', 'evaluation', 'models']
