"""Inference latency of detectors, measured side by side (MMDet-style).

Thin command line over :mod:`qmimic_mm.analysis.benchmark`; see its docstring
and ``--help``.
"""
import os

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning
# (see qmimic_mm.analysis.benchmark).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from qmimic_mm.analysis.benchmark import main  # noqa: E402

if __name__ == '__main__':
    main()
