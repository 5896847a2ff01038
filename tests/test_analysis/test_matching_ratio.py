"""Per-RoI matching ratio (Fig. 5) against hand-computed values."""
import math

import numpy as np
import pytest
import torch

from qmimic_mm.analysis.matching_ratio import (mimic_quantizer,
                                               plot_matching_ratio_histogram,
                                               roi_matching_ratios)
from qmimic_mm.models.losses import QuantMimicLoss
from qmimic_mm.models.quantizers import UniformQuantizer

# One image, 2 channels, a 2 x 3 map at stride 16.
TEACHER = torch.tensor([[[[0.9, 0.0, 2.0], [1.2, 0.1, 3.0]],
                         [[0.0, 0.0, 0.0], [0.0, 0.0, 1.6]]]])
STUDENT = torch.tensor([[[[1.3, 0.2, 2.1], [0.8, 0.6, 2.4]],
                         [[0.1, 0.7, 0.0], [0.45, 0.0, 1.4]]]])
# A: cells rows 0-1 x cols 0-1 (8 elements); B: the cell (row 1, col 2).
ROIS = torch.tensor([[0., 0., 0., 16., 16.], [0., 32., 16., 32., 16.]])


def test_full_precision_ratios_by_hand():
    # A, channel 0: |d| = .4, .2, .4, .5 -> 1 match; channel 1: .1, .7,
    # .45, 0 -> 2 matches: 3 / 8. B: |3.0-2.4| = .6 no, |1.6-1.4| = .2 yes.
    ratios = roi_matching_ratios(TEACHER, STUDENT, ROIS, stride=16)
    assert ratios.tolist() == pytest.approx([3 / 8, 1 / 2])


def test_quantized_ratios_by_hand():
    # Q(f) = max(0, ceil(f - 1/2)) at stride 1. A, channel 0: Q pairs (1, 1)
    # (0, 0) (1, 1) (0, 1) -> 3; channel 1: (0, 0) (0, 1) (0, 0) (0, 0) -> 3:
    # 6 / 8. B: (3, 2) and (2, 1): no match at all.
    ratios = roi_matching_ratios(TEACHER, STUDENT, ROIS, stride=16,
                                 quantizer=UniformQuantizer(stride=1.0))
    assert ratios.tolist() == pytest.approx([6 / 8, 0.0])


def test_threshold_and_batch_index():
    two = torch.cat([torch.zeros_like(TEACHER), TEACHER])
    rois = ROIS.clone()
    rois[:, 0] = 1  # both RoIs on the second image
    ratios = roi_matching_ratios(two, torch.cat([STUDENT, STUDENT]), rois,
                                 stride=16, threshold=0.45)
    # At 0.45, A gains the two distances .4 (the strict "<" still rejects
    # .45): 5 / 8; B is unchanged. The first image (all zeros) is not read.
    assert ratios.tolist() == pytest.approx([5 / 8, 1 / 2])


def test_student_map_resized_and_off_map_roi():
    student = torch.zeros(1, 2, 1, 1)  # resized to the teacher's 2 x 3
    rois = torch.tensor([[0., 0., 0., 16., 16.], [0., 500., 500., 600., 600.]])
    ratios = roi_matching_ratios(TEACHER, student, rois, stride=16)
    # A vs zeros: channel 0 has .9 1.2 (no) 0 .1 (yes); channel 1 all 0.
    assert ratios[0].item() == pytest.approx(6 / 8)
    assert math.isnan(ratios[1].item())  # covers no cell of the map


def test_no_rois_and_channel_mismatch():
    assert roi_matching_ratios(TEACHER, STUDENT, torch.zeros(0, 5),
                               16).numel() == 0
    with pytest.raises(ValueError, match='channels'):
        roi_matching_ratios(TEACHER, STUDENT[:, :1], ROIS, 16)


def test_quantizer_choice_follows_the_loss():
    quantized = QuantMimicLoss(quantizer=dict(type='UniformQuantizer'))
    plain = QuantMimicLoss(quantizer=None)
    assert mimic_quantizer(quantized, None) is quantized.quantizer
    assert mimic_quantizer(plain, None) is None
    assert mimic_quantizer(quantized, False) is None
    assert isinstance(mimic_quantizer(plain, True), UniformQuantizer)


def test_histogram_png(tmp_path):
    out = plot_matching_ratio_histogram(
        {'fp': np.array([0.1, 0.5]), 'quantized': np.array([0.9])},
        str(tmp_path / 'hist.png'))
    with open(out, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def test_region_ratios_over_two_levels_by_hand():
    from qmimic_mm.analysis.matching_ratio import region_matching_ratios
    from qmimic_mm.models.losses import MultiLevelQuantMimicLoss

    # Level 0: the 2 x 3 maps above at stride 16; level 1: one 1-channel cell
    # at stride 32 where the maps differ by 0.1 (a match).
    t1, s1 = torch.tensor([[[[1.0]]]]), torch.tensor([[[[1.1]]]])
    loss = MultiLevelQuantMimicLoss(num_levels=2)
    ratios = region_matching_ratios(loss, [TEACHER, t1], [STUDENT, s1],
                                    ROIS, strides=[16, 32])
    # A: 3 of 8 elements on level 0, 1 of 1 on level 1 (cells 0..round(0.5)
    # = 0..1, clipped to the 1-cell map): 4 / 9. B (x = 32 px) reads column
    # round(32 / 32) = 1 on level 1, off that map: level 0 alone, 1 / 2.
    assert ratios.tolist() == pytest.approx([4 / 9, 1 / 2])
    # the loss's quantizers stay in place after an unquantized comparison
    q_loss = MultiLevelQuantMimicLoss(
        num_levels=2, quantizer=dict(type='UniformQuantizer', stride=1.0))
    region_matching_ratios(q_loss, [TEACHER, t1], [STUDENT, s1], ROIS,
                           strides=[16, 32], quantize=False)
    assert q_loss.quantizers is not None
