"""Quantization Mimic under mixed precision (--amp): bf16 autocast on the
CPU against fp32, and fp16 maps whose squared distances overflow fp16."""
import pytest
import torch

from qmimic_mm.models import QuantMimicLoss

#: bf16 keeps 8 bits of mantissa: conv outputs differ from fp32 by ~0.4 %,
#: so the loss (a mean of squares) and the calibrated scale agree to 2 %.
BF16_RTOL = 2e-2


def _qm_step(autocast: bool):
    """One Quantization Mimic step: student conv + adapter against a
    teacher conv map, the loss quantizing both with a calibrated scale;
    returns the loss, the scale buffer and the student's gradient."""
    torch.manual_seed(0)
    student = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1),
                                  torch.nn.ReLU(),
                                  torch.nn.Conv2d(8, 32, 1))  # adapter
    teacher = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3, padding=1),
                                  torch.nn.ReLU())
    image = torch.rand(2, 1, 24, 32) * 255
    rois = torch.tensor([[0, 16., 16., 200., 160.], [1, 0., 0., 96., 64.]])
    loss_fn = QuantMimicLoss(teacher_stride=8, quantizer=dict(
        type='UniformQuantizer', levels=10, calib_batches=1))
    loss_fn.train()
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=autocast):
        s, t = student(image), teacher(image)
        loss = loss_fn(s, t, rois)
    loss.backward()
    return (loss, loss_fn.quantizer.calib_percentile_value,
            student[0].weight.grad, s.dtype)


def test_bf16_autocast_step_matches_fp32():
    loss32, scale32, grad32, dtype32 = _qm_step(autocast=False)
    loss16, scale16, grad16, dtype16 = _qm_step(autocast=True)
    assert dtype32 == torch.float32 and dtype16 == torch.bfloat16
    # the loss and the calibration run in fp32, the scale stays float64
    assert loss16.dtype == torch.float32
    assert scale16.dtype == torch.float64
    assert loss16.item() == pytest.approx(loss32.item(), rel=BF16_RTOL)
    assert scale16.item() == pytest.approx(scale32.item(), rel=BF16_RTOL)
    cos = torch.nn.functional.cosine_similarity(grad16.flatten(),
                                                grad32.flatten(), dim=0)
    assert cos > 0.99


def test_fp16_maps_do_not_overflow():
    # 64 channels at ~1000: squared distances ~6e7 per cell, far above
    # fp16's 65504.
    torch.manual_seed(0)
    t = torch.rand(1, 64, 6, 8) * 1000
    s = torch.rand(1, 64, 6, 8) * 1000
    rois = torch.tensor([[0, 0., 0., 128., 96.]])
    loss_fn = QuantMimicLoss(teacher_stride=16)
    exact = loss_fn(s, t, rois)
    half = loss_fn(s.half().requires_grad_(), t.half(), rois.half())
    assert torch.isfinite(half) and half.dtype == torch.float32
    assert half.item() == pytest.approx(exact.item(), rel=1e-3)
