"""FLOPs and parameters of a detector on a synthetic image (MMDet-style).

Thin command line over :mod:`qmimic_mm.analysis.flops`; see its docstring
and ``--help``.
"""
import os

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning
# (see qmimic_mm.analysis.benchmark).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from qmimic_mm.analysis.flops import main  # noqa: E402

if __name__ == '__main__':
    main()
