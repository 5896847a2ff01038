"""The multi-level Quantization Mimic loss against hand sums."""
import pytest
import torch

from qmimic_mm.models.losses import MimicRegions, MultiLevelQuantMimicLoss


def _regions(masks, num_regions, mode='boxes'):
    return MimicRegions(tuple(masks), (8.0, 16.0)[:len(masks)], num_regions,
                        mode)


def _maps(seed=0):
    g = torch.Generator().manual_seed(seed)
    s = (torch.rand(1, 2, 4, 4, generator=g), torch.rand(1, 3, 2, 2,
                                                         generator=g))
    t = (torch.rand(1, 2, 4, 4, generator=g), torch.rand(1, 3, 2, 2,
                                                         generator=g))
    return s, t


def test_elements_and_regions_normalisations_equal_hand_sums():
    s, t = _maps()
    m0 = torch.zeros(1, 4, 4)
    m0[0, 1, 2] = m0[0, 3, 0] = 1  # two cells on level 0
    m1 = torch.zeros(1, 2, 2)
    m1[0, 0, 1] = 1  # one on level 1
    d = ((s[0][0, :, 1, 2] - t[0][0, :, 1, 2]) ** 2).sum() + \
        ((s[0][0, :, 3, 0] - t[0][0, :, 3, 0]) ** 2).sum() + \
        ((s[1][0, :, 0, 1] - t[1][0, :, 0, 1]) ** 2).sum()
    regions = _regions([m0, m1], num_regions=3)
    elements = MultiLevelQuantMimicLoss(num_levels=2, loss_weight=2.0)
    # E = 2 cells x 2 channels + 1 cell x 3 channels = 7
    assert float(elements(s, t, regions)) == pytest.approx(
        float(2.0 * d / (2 * 7)), rel=1e-6)
    literal = MultiLevelQuantMimicLoss(num_levels=2, normalize='regions')
    assert float(literal(s, t, regions)) == pytest.approx(
        float(d / (2 * 3)), rel=1e-6)


def test_cells_outside_the_regions_do_not_count():
    s, t = _maps()
    mask = [torch.zeros(1, 4, 4), torch.ones(1, 2, 2)]
    loss = MultiLevelQuantMimicLoss(num_levels=2)
    before = float(loss(s, t, _regions(mask, 1)))
    s[0].add_(5.0)  # level 0 has no region
    assert float(loss(s, t, _regions(mask, 1))) == pytest.approx(before)


def test_no_region_gives_zero_and_a_finite_zero_gradient():
    s, t = _maps()
    s = tuple(f.requires_grad_() for f in s)
    empty = [torch.zeros(1, 4, 4), torch.zeros(1, 2, 2)]
    for normalize in ('elements', 'regions'):
        loss = MultiLevelQuantMimicLoss(num_levels=2, normalize=normalize)
        value = loss(s, t, _regions(empty, 0))
        value.backward()
        assert float(value) == 0.0
        assert all(torch.equal(f.grad, torch.zeros_like(f)) for f in s)


def test_quantized_loss_compares_quantized_maps_per_level():
    # Level strides calibrated on the teacher: levels=2 over the 100th
    # percentile (the max): level 0's max 4 -> stride 2, level 1's 1 -> 0.5.
    t = (torch.full((1, 1, 2, 2), 4.0), torch.full((1, 1, 1, 1), 1.0))
    s = (torch.full((1, 1, 2, 2), 3.2), torch.full((1, 1, 1, 1), 0.8))
    loss = MultiLevelQuantMimicLoss(
        num_levels=2, quantizer=dict(type='UniformQuantizer', levels=2,
                                     percentile=100, calib_batches=1))
    loss.train()
    regions = MimicRegions((torch.ones(1, 2, 2), torch.ones(1, 1, 1)),
                           (8.0, 16.0), 1, 'boxes')
    value = loss(s, t, regions)
    assert [q.stride for q in loss.quantizers] == [2.0, 0.5]
    # Q_0(3.2) = 4 = Q_0(4); Q_1(0.8) = 1.0 = Q_1(1.0): every element matches
    assert float(value) == 0.0
    assert loss.last_stats['match_ratio'] == 1.0
    assert loss.last_stats['match_ratio.l0'] == 1.0


def test_per_level_calibration_is_stored_and_restored():
    cfg = dict(num_levels=2, quantizer=dict(type='UniformQuantizer',
                                            levels=4, calib_batches=1))
    loss = MultiLevelQuantMimicLoss(**cfg)
    loss.train()
    s, t = _maps()
    t = (t[0] * 8, t[1])
    loss(s, t, _regions([torch.ones(1, 4, 4), torch.ones(1, 2, 2)], 1))
    strides = [q.stride for q in loss.quantizers]
    assert strides[0] > 4 * strides[1]  # each level its own scale
    state = loss.state_dict()
    assert {'quantizers.0.calib_percentile_value',
            'quantizers.1.calib_percentile_value'} <= set(state)
    restored = MultiLevelQuantMimicLoss(**cfg)
    restored.load_state_dict(state)
    restored.eval()
    assert [q.stride for q in restored.quantizers] == strides


def test_teacher_of_another_size_is_resampled_onto_the_student_grid():
    s = (torch.zeros(1, 1, 4, 4),)
    t = (torch.ones(1, 1, 2, 2),)  # stride twice the student's
    loss = MultiLevelQuantMimicLoss(num_levels=1)
    value = loss(s, t, MimicRegions((torch.ones(1, 4, 4),), (8.0,), 1,
                                    'whole'))
    assert float(value) == pytest.approx(0.5)  # mean of 1^2, / 2


def test_bad_input_names_shapes_and_fix():
    with pytest.raises(ValueError, match='num_levels must be an integer'):
        MultiLevelQuantMimicLoss(num_levels=0)
    with pytest.raises(ValueError, match="normalize must be one of"):
        MultiLevelQuantMimicLoss(num_levels=1, normalize='rois')
    loss = MultiLevelQuantMimicLoss(num_levels=2)
    s, t = _maps()
    masks = [torch.ones(1, 4, 4), torch.ones(1, 2, 2)]
    with pytest.raises(ValueError, match='built for num_levels=2'):
        loss(s[:1], t, _regions(masks, 1))
    bad_t = (torch.rand(1, 5, 4, 4), t[1])
    with pytest.raises(ValueError, match=r'level 0: .*\(1, 2, 4, 4\).*'
                       r'\(1, 5, 4, 4\).*out_channels'):
        loss(s, bad_t, _regions(masks, 1))
    skewed = (torch.rand(1, 2, 2, 8), t[1])
    with pytest.raises(ValueError, match=r'\(4, 4\) and the teacher map '
                       r'\(2, 8\)'):
        loss(s, skewed, _regions(masks, 1))


def test_bf16_autocast_inputs_give_the_fp32_loss():
    # bf16 maps (as under autocast) are compared in fp32: the loss equals
    # the fp32 loss of the same (bf16-rounded) values.
    s, t = _maps()
    s16 = tuple(f.bfloat16() for f in s)
    t16 = tuple(f.bfloat16() for f in t)
    masks = [torch.ones(1, 4, 4), torch.ones(1, 2, 2)]
    loss = MultiLevelQuantMimicLoss(num_levels=2)
    low = loss(s16, t16, _regions(masks, 1))
    ref = loss(tuple(f.float() for f in s16), tuple(f.float() for f in t16),
               _regions(masks, 1))
    assert low.dtype == torch.float32
    assert float(low) == pytest.approx(float(ref), rel=1e-6)
