"""StridedMaxPool2d: the same values as 2x2 / stride-2 max pooling; the
plain pooling (and its gradient) whenever autograd records."""
import pytest
import torch
import torch.nn.functional as F

from qmimic_mm.models.layers import StridedMaxPool2d


@pytest.mark.parametrize('shape', [(1, 2, 48, 64), (2, 3, 17, 23),
                                   (1, 16, 3, 9)])
def test_inference_values_equal_max_pool(shape):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=gen).relu()  # zeros: many ties
    x[..., 0, 0] = float('nan') if x.numel() > 4 else x[..., 0, 0]
    pool = StridedMaxPool2d()
    with torch.no_grad():
        got = pool(x)
    want = F.max_pool2d(x, 2, 2)
    assert got.shape == want.shape
    assert torch.equal(got.nan_to_num(-1.), want.nan_to_num(-1.))
    assert torch.equal(got.isnan(), want.isnan())


def test_too_small_input_fails_as_max_pool():
    with pytest.raises(RuntimeError), torch.no_grad():
        StridedMaxPool2d()(torch.zeros(1, 1, 1, 5))


def test_training_uses_max_pool_and_its_gradient():
    x = torch.tensor([[[[1., 1., 0.], [0., 0., 2.], [3., 3., 3.]]]],
                     requires_grad=True)  # a tie in the first window
    out = StridedMaxPool2d()(x)
    out.sum().backward()
    ref = x.detach().clone().requires_grad_()
    F.max_pool2d(ref, 2, 2).sum().backward()
    assert torch.equal(x.grad, ref.grad)  # all to the first maximum
    assert x.grad[0, 0, 0].tolist() == [1., 0., 0.]


def test_vgg_strided_pool_switch():
    from torch import nn

    from qmimic_mm.models.backbones import WidthScaledVGG
    fast = WidthScaledVGG(width_divisor=32, in_channels=1)
    plain = WidthScaledVGG(width_divisor=32, in_channels=1,
                           strided_pool=False)
    assert isinstance(fast.stage2[0], StridedMaxPool2d)
    assert type(plain.stage2[0]) is nn.MaxPool2d
    plain.load_state_dict(fast.state_dict())
    fast.eval()
    plain.eval()
    x = torch.randn(1, 1, 64, 80)
    with torch.no_grad():
        assert torch.equal(fast(x)[0], plain(x)[0])
