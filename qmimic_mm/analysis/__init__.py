"""Analysis of trained models (Quantization Mimic Sec. 4.1, Fig. 5).

Not imported by :mod:`qmimic_mm` itself: tools import it explicitly.
The FLOP counter (:mod:`.flops`) and the interleaved latency benchmark
(:mod:`.benchmark`) are imported by module (they build detectors).
"""
from .matching_ratio import (PAPER_THRESHOLD, collect_matching_ratios,
                             mimic_mapping, mimic_quantizer,
                             plot_matching_ratio_histogram,
                             roi_matching_ratios)

__all__ = [
    'PAPER_THRESHOLD', 'collect_matching_ratios', 'mimic_mapping',
    'mimic_quantizer', 'plot_matching_ratio_histogram', 'roi_matching_ratios'
]
