"""qmimic_mm: Quantization Mimic (Wei et al., ECCV 2018) for OpenMMLab.

``import qmimic_mm`` is light: it imports no subpackage, torch or the
OpenMMLab stack. Import what you use:

* ``qmimic_mm.all_modules`` registers every model, dataset, metric and hook
  (the configs name it in ``custom_imports``); it applies the stack fixes
  of :mod:`qmimic_mm.compat` first;
* ``qmimic_mm.models`` (applies the fixes itself), ``qmimic_mm.datasets``,
  ``qmimic_mm.evaluation``, ``qmimic_mm.engine``;
* ``qmimic_mm.wider``: the WIDER FACE formats and evaluation, numpy and
  scipy only.
"""
import warnings

# mmengine, mmcv and mmrazor import pkg_resources, which setuptools >= 80
# flags on every start; the stack pins versions, so the notice is noise.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

__version__ = '0.1.0'
__all__ = ['__version__']
