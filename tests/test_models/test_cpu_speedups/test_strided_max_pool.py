"""strided_max_pool2d: the same values as 2x2 / stride-2 max pooling;
WidthScaledVGG uses it when no gradient is recorded and not traced.
strided_max_pool2d_with_grad: also max pooling's gradient, bit for bit;
WidthScaledVGG uses it while training (strided_pool_grad)."""
import pytest
import torch
import torch.fx
import torch.nn.functional as F
from torch import nn

from qmimic_mm.models.backbones import WidthScaledVGG
from qmimic_mm.models.cpu_speedups import (strided_max_pool2d,
                                           strided_max_pool2d_with_grad,
                                           strided_pool_applies)


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
    # with autograd recording: the gradient of the modules (ties at 0)
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


@pytest.mark.parametrize('shape,ties', [
    ((2, 2, 48, 64), 'relu'),     # zeros after ReLU: many tied windows
    ((2, 3, 17, 23), 'integers'),  # odd sizes: a dropped row and column
    ((1, 16, 3, 9), 'integers'),
    ((2, 4, 8, 10), 'none'),
])
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_with_grad_equals_max_pool_bit_for_bit(shape, ties, dtype):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=gen, dtype=dtype)
    if ties == 'relu':
        x = x.relu()
    elif ties == 'integers':
        x = (x * 2).round()
    x[..., 0, :2] = float('-inf')  # an all -inf pair in the first window
    grad = torch.randn(*shape[:2], shape[2] // 2, shape[3] // 2,
                       generator=gen, dtype=dtype)
    outs, grads = [], []
    for pool in (lambda t: F.max_pool2d(t, 2, 2),
                 strided_max_pool2d_with_grad):
        xi = x.clone().requires_grad_()
        out = pool(xi)
        out.backward(grad)
        outs.append(out)
        grads.append(xi.grad)
    assert torch.equal(outs[1], outs[0])
    assert torch.equal(grads[1], grads[0])


def test_applies_with_grad_when_asked():
    pool = nn.MaxPool2d(2, 2)
    x = torch.rand(1, 2, 8, 8, requires_grad=True)
    assert not strided_pool_applies(pool, x)
    assert strided_pool_applies(pool, x, with_grad=True)
    assert not strided_pool_applies(nn.MaxPool2d(3, 2), x, with_grad=True)


def test_vgg_strided_pool_grad_switch(monkeypatch):
    """Training uses the strided pooling unless strided_pool_grad=False
    (or strided_pool=False); the gradients are the modules' either way
    (test_vgg_strided_pool_values_gradients_and_graphs)."""
    import qmimic_mm.models.backbones.vgg as vgg_module
    calls = []
    real = vgg_module.strided_max_pool2d_with_grad

    def counting(x):
        calls.append(x.shape)
        return real(x)

    monkeypatch.setattr(vgg_module, 'strided_max_pool2d_with_grad', counting)
    x = torch.randn(2, 1, 32, 48)
    for kwargs, used in ((dict(), True), (dict(strided_pool_grad=False),
                                          False),
                         (dict(strided_pool=False), False)):
        calls.clear()
        vgg = WidthScaledVGG(width_divisor=32, in_channels=1, **kwargs)
        vgg.train()
        vgg(x)[0].sum().backward()
        assert bool(calls) == used, kwargs
        assert len(calls) in (0, 4)
