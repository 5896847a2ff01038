"""QuantMimicLoss (Eq. 5/6) against hand computations."""
import pytest
import torch
from mmrazor.registry import MODELS

from qmimic_mm.models import QuantMimicLoss


def _maps(seed=0, shape=(2, 3, 6, 8)):
    gen = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=gen) * 4,
            torch.rand(shape, generator=gen) * 4)


def test_two_rois_against_hand_computation():
    s, t = _maps()
    # stride 4: roi A covers cells x 1..3, y 0..1 of image 0;
    # roi B covers x 5..5, y 2..4 of image 1 (x2/4=21/4 -> round 5).
    rois = torch.tensor([[0, 4., 0., 12., 4.], [1, 20., 8., 21., 16.]])
    loss = QuantMimicLoss(loss_weight=0.5, teacher_stride=4)(s, t, rois)
    d = (t - s).pow(2).sum(1)
    expected = d[0, 0:2, 1:4].sum() + d[1, 2:5, 5:6].sum()
    assert loss.item() == pytest.approx(0.5 * expected.item() / (2 * 2))


def test_quantized_loss_uses_quantized_maps():
    s = torch.tensor([[[[0.4, 1.6], [2.2, 0.9]]]])
    t = torch.tensor([[[[0.1, 2.4], [1.6, 1.4]]]])
    rois = torch.tensor([[0, 0., 0., 16., 16.]])  # whole 2x2 map at stride 16
    loss = QuantMimicLoss(quantizer=dict(type='UniformQuantizer'))(s, t, rois)
    # Q(s) = [0, 2, 2, 1], Q(t) = [0, 2, 2, 1]: identical.
    assert loss.item() == 0.0
    plain = QuantMimicLoss()(s, t, rois)
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
    loss = QuantMimicLoss(teacher_stride=2)(s, t, rois)
    assert loss.item() == pytest.approx(2 * 8 * 5 / 2)
    loss.backward()


def test_bad_arguments_name_the_key():
    with pytest.raises(ValueError, match='loss_weight.*-1'):
        MODELS.build(dict(_scope_='mmrazor', type='QuantMimicLoss', loss_weight=-1))
    s, t = torch.zeros(1, 3, 4, 4), torch.zeros(1, 5, 4, 4)
    with pytest.raises(ValueError, match='out channels to the teacher'):
        QuantMimicLoss()(s, t, torch.zeros(0, 5))
