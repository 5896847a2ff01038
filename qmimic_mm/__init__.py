"""qmimic_mm: Quantization Mimic (Wei et al., ECCV 2018) for OpenMMLab.

Importing the package (directly or through a config's ``custom_imports``)
first makes the pinned stack work on torch 2.13 (see :mod:`qmimic_mm.compat`)
and then registers every model, dataset and metric of the project.
"""
import warnings

# mmengine, mmcv and mmrazor import pkg_resources, which setuptools >= 80
# flags on every start; the stack pins versions, so the notice is noise.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

from .compat import apply_all as _apply_compat  # noqa: E402

_apply_compat()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__version__ = '0.1.0'
__all__ = ['__version__', 'datasets', 'engine', 'evaluation', 'models']
