"""QuantMimicLoss (Eq. 5/6) against hand computations."""
import pytest
import torch
from mmrazor.registry import MODELS

from qmimic_mm.models import QuantMimicLoss


def _maps(seed=0, shape=(2, 3, 6, 8)):
    gen = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=gen) * 4,
            torch.rand(shape, generator=gen) * 4)


@pytest.mark.parametrize('normalize', ['rois', 'elements'])
def test_two_rois_against_hand_computation(normalize):
    s, t = _maps()
    # stride 4: roi A covers cells x 1..3, y 0..1 of image 0;
    # roi B covers x 5..5, y 2..4 of image 1 (x2/4=21/4 -> round 5).
    rois = torch.tensor([[0, 4., 0., 12., 4.], [1, 20., 8., 21., 16.]])
    loss = QuantMimicLoss(loss_weight=0.5, teacher_stride=4,
                          normalize=normalize)(s, t, rois)
    d = (t - s).pow(2).sum(1)
    expected = d[0, 0:2, 1:4].sum() + d[1, 2:5, 5:6].sum()
    # Eq. 6 as written: / 2N, N = 2 RoIs. Scale-free: / 2M, M = elements
    # = (2 x 3 + 3 x 1 cells) x 3 channels = 27.
    count = 2 if normalize == 'rois' else 27
    assert loss.item() == pytest.approx(0.5 * expected.item() / (2 * count))


def test_elements_form_is_independent_of_width_and_roi_size():
    s, t = torch.zeros(1, 8, 10, 10), torch.ones(1, 8, 10, 10)
    small = torch.tensor([[0, 0., 0., 8., 8.]])
    large = torch.tensor([[0, 0., 0., 120., 120.], [0, 16., 16., 64., 96.]])
    for rois in (small, large):
        loss = QuantMimicLoss(teacher_stride=16)(s, t, rois)
        assert loss.item() == pytest.approx(0.5)  # mean of 1 / 2
        loss16 = QuantMimicLoss(teacher_stride=16)(
            torch.zeros(1, 16, 10, 10), torch.ones(1, 16, 10, 10), rois)
        assert loss16.item() == pytest.approx(0.5)
    literal = QuantMimicLoss(teacher_stride=16, normalize='rois')
    # 2 x 2 cells x 8 channels, one RoI: 32 / 2.
    assert literal(s, t, small).item() == pytest.approx(32 / 2)


def test_matching_ratio_in_the_log_stats():
    # One RoI over a 1 x 2 map, 2 channels: elements |diff| = 0.1, 0.5,
    # 0.2, 0.0; under 0.3: three of four.
    t = torch.zeros(1, 2, 1, 2)
    s = torch.tensor([[[[0.1, 0.5]], [[0.2, 0.0]]]])
    loss = QuantMimicLoss(teacher_stride=1)
    loss(s, t, torch.tensor([[0, 0., 0., 1., 0.]]))
    assert loss.last_stats == dict(match_ratio=0.75, rois=1.0)
    # Quantized (stride 0.2): Q(s) = [0, 0.4, 0.2, 0]; same bin: 2 of 4.
    quant = QuantMimicLoss(teacher_stride=1, quantizer=dict(
        type='UniformQuantizer', stride=0.2))
    quant(s, t, torch.tensor([[0, 0., 0., 1., 0.]]))
    assert quant.last_stats['match_ratio'] == pytest.approx(0.5)


def test_loss_calibrates_on_the_teacher_not_the_student():
    quant = QuantMimicLoss(quantizer=dict(
        type='UniformQuantizer', levels=10, percentile=100, calib_batches=1))
    quant.train()
    t = torch.arange(0, 20, dtype=torch.float32).view(1, 1, 4, 5)  # max 19
    s = 1000 * torch.ones(1, 1, 4, 5)
    quant(s, t, torch.tensor([[0, 0., 0., 64., 48.]]))
    assert quant.quantizer.stride == pytest.approx(1.9)


def test_quantized_loss_uses_quantized_maps():
    s = torch.tensor([[[[0.4, 1.6], [2.2, 0.9]]]])
    t = torch.tensor([[[[0.1, 2.4], [1.6, 1.4]]]])
    rois = torch.tensor([[0, 0., 0., 16., 16.]])  # whole 2x2 map at stride 16
    loss = QuantMimicLoss(quantizer=dict(type='UniformQuantizer'))(s, t, rois)
    # Q(s) = [0, 2, 2, 1], Q(t) = [0, 2, 2, 1]: identical.
    assert loss.item() == 0.0
    plain = QuantMimicLoss(normalize='rois')(s, t, rois)
    assert plain.item() == pytest.approx(
        ((t - s)**2).sum().item() / 2)


def test_zero_when_quantized_features_agree():
    base, _ = _maps(1)
    # Different values, same bins: v in [k, k + 0.3) quantizes to k.
    t = torch.floor(base) + 0.3 * torch.rand_like(base)
    s = torch.floor(base) + 0.3 * torch.rand_like(base)
    rois = torch.tensor([[0, 0., 0., 30., 20.], [1, 8., 4., 16., 12.]])
    loss = QuantMimicLoss(quantizer=dict(type='UniformQuantizer'),
                          teacher_stride=4)(s, t, rois)
    assert loss.item() == 0.0
    assert QuantMimicLoss(teacher_stride=4)(s, t, rois).item() > 0


def test_unchanged_when_features_outside_every_roi_change():
    s, t = _maps(2)
    rois = torch.tensor([[0, 4., 4., 12., 12.], [1, 0., 0., 8., 4.]])
    criterion = QuantMimicLoss(teacher_stride=4)
    before = criterion(s, t, rois)
    s2, t2 = s.clone(), t.clone()
    s2[0, :, 4:, :] += 100.0  # rows 4.. of image 0 lie outside roi 0
    t2[1, :, :, 3:] -= 50.0  # cols 3.. of image 1 lie outside roi 1
    assert criterion(s2, t2, rois).item() == pytest.approx(before.item())


def test_no_rois_is_zero_and_differentiable():
    s, t = _maps(3)
    s.requires_grad_(True)
    loss = QuantMimicLoss()(s, t, torch.zeros(0, 5))
    loss.backward()
    assert loss.item() == 0.0 and torch.isfinite(loss)
    assert s.grad is not None and torch.count_nonzero(s.grad) == 0


def test_gradient_reaches_student_through_quantizer():
    s, t = _maps(4)
    s.requires_grad_(True)
    rois = torch.tensor([[0, 0., 0., 64., 64.]])
    QuantMimicLoss(quantizer=dict(type='UniformQuantizer'),
                   teacher_stride=16)(s, t, rois).backward()
    assert s.grad.abs().sum() > 0 and torch.isfinite(s.grad).all()


def test_student_map_of_another_stride_is_resized():
    s = torch.ones(1, 2, 3, 4, requires_grad=True)
    t = torch.zeros(1, 2, 6, 8)
    rois = torch.tensor([[0, 0., 0., 16., 8.]])  # cells x 0..7, y 0..4
    loss = QuantMimicLoss(teacher_stride=2, normalize='rois')(s, t, rois)
    assert loss.item() == pytest.approx(2 * 8 * 5 / 2)
    loss.backward()
    mean = QuantMimicLoss(teacher_stride=2)(s, t, rois)
    assert mean.item() == pytest.approx(0.5)


def test_bad_arguments_name_the_key():
    with pytest.raises(ValueError, match='loss_weight.*-1'):
        MODELS.build(
            dict(_scope_='mmrazor', type='QuantMimicLoss', loss_weight=-1))
    with pytest.raises(ValueError, match="normalize must be one of.*'sum'"):
        QuantMimicLoss(normalize='sum')
    s, t = torch.zeros(1, 3, 4, 4), torch.zeros(1, 5, 4, 4)
    with pytest.raises(ValueError, match='out channels to the teacher'):
        QuantMimicLoss()(s, t, torch.zeros(0, 5))
