"""strided_max_pool2d: the same values as 2x2 / stride-2 max pooling;
WidthScaledVGG uses it only when no gradient is recorded and not traced."""
import pytest
import torch
import torch.fx
import torch.nn.functional as F
from torch import nn

from qmimic_mm.models.backbones import WidthScaledVGG
from qmimic_mm.models.layers import strided_max_pool2d, strided_pool_applies


@pytest.mark.parametrize('shape', [(1, 2, 48, 64), (2, 3, 17, 23),
                                   (1, 16, 3, 9)])
def test_values_equal_max_pool(shape):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=gen).relu()  # zeros: many ties
    x[..., 0, 0] = float('nan')
    got = strided_max_pool2d(x)
    want = F.max_pool2d(x, 2, 2)
    assert got.shape == want.shape
    assert torch.equal(got.nan_to_num(-1.), want.nan_to_num(-1.))
    assert torch.equal(got.isnan(), want.isnan())


def test_applies_only_without_gradient_and_to_plain_2x2_pools():
    pool = nn.MaxPool2d(2, 2)
    x = torch.rand(1, 2, 8, 8)
    assert strided_pool_applies(pool, x)
    assert not strided_pool_applies(pool, x.requires_grad_())
    with torch.no_grad():
        assert strided_pool_applies(pool, x)
    y = torch.rand(1, 2, 8, 8)
    assert not strided_pool_applies(nn.MaxPool2d(3, 2), y)
    assert not strided_pool_applies(nn.MaxPool2d(2, 2, ceil_mode=True), y)
    assert not strided_pool_applies(nn.ReLU(), y)
    assert not strided_pool_applies(pool, torch.rand(1, 2, 1, 8))


def test_vgg_strided_pool_values_gradients_and_graphs():
    fast = WidthScaledVGG(width_divisor=32, in_channels=1)
    plain = WidthScaledVGG(width_divisor=32, in_channels=1,
                           strided_pool=False)
    plain.load_state_dict(fast.state_dict())
    assert type(fast.stage2[0]) is nn.MaxPool2d  # same modules
    x = torch.randn(2, 1, 64, 80)
    fast.eval()
    plain.eval()
    with torch.no_grad():
        assert torch.equal(fast(x)[0], plain(x)[0])
    # with autograd recording the modules run: same gradients (ties at 0)
    fast.train()
    plain.train()
    fast(x)[0].sum().backward()
    plain(x)[0].sum().backward()
    for (name, a), (_, b) in zip(fast.named_parameters(),
                                 plain.named_parameters()):
        assert torch.equal(a.grad, b.grad), name
    # torch.fx (MMRazor's channel analysis) sees the pooling modules
    traced = torch.fx.symbolic_trace(fast.eval())
    called = {str(n.target) for n in traced.graph.nodes
              if n.op == 'call_module'}
    assert 'stage2.0' in called
