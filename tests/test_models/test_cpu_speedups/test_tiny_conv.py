"""TinyConv2d computes nn.Conv2d's function (values and gradients) with
NCHW tensors in and out, and is a plain Conv2d where its kernels do not
apply."""
import pytest
import torch
import torch.fx
from torch import nn

from qmimic_mm.models.backbones import WidthScaledVGG
from qmimic_mm.models.cpu_speedups import TinyConv2d


def _pair(cin, cout, **kwargs):
    torch.manual_seed(0)
    ref = nn.Conv2d(cin, cout, 3, padding=1, **kwargs)
    tiny = TinyConv2d(cin, cout, 3, padding=1, **kwargs)
    tiny.load_state_dict(ref.state_dict())
    return ref, tiny


def _forward_backward(layers, cin: int, cout: int, hw):
    """Each layer's output and gradients (input, then parameters) for the
    same random input and output gradient."""
    x = torch.randn(2, cin, *hw)
    grad = torch.randn(2, cout, *hw)
    outs, grads = [], []
    for layer in layers:
        xi = x.clone().requires_grad_()
        out = layer(xi)
        out.backward(grad)
        outs.append(out)
        grads.append([xi.grad] + [p.grad for p in layer.parameters()])
    return outs, grads


@pytest.mark.parametrize('cin,cout,bias,groups', [
    (1, 2, False, 1),   # native kernel (gray conv1_1)
    (2, 2, False, 1),   # oneDNN channels-last
    (4, 8, True, 1),
    (6, 6, False, 3),   # grouped, channels-last
])
def test_values_and_gradients_match_conv2d(cin, cout, bias, groups):
    ref, tiny = _pair(cin, cout, bias=bias, groups=groups)
    outs, grads = _forward_backward((ref, tiny), cin, cout, (37, 50))
    assert outs[1].is_contiguous()  # NCHW out
    torch.testing.assert_close(outs[1], outs[0], rtol=1e-5, atol=1e-5)
    assert grads[1][0].is_contiguous()  # NCHW gradient to the layer before
    for got, want in zip(grads[1], grads[0]):
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)


def test_same_state_dict_and_plain_fallbacks():
    ref, tiny = _pair(2, 4, dilation=2)
    assert list(tiny.state_dict()) == list(ref.state_dict())
    x = torch.randn(1, 2, 9, 9)
    torch.testing.assert_close(tiny(x), ref(x))  # dilated: channels-last
    ref1 = nn.Conv2d(1, 2, 3, padding='same')
    tiny1 = TinyConv2d(1, 2, 3, padding='same')
    tiny1.load_state_dict(ref1.state_dict())
    x1 = torch.randn(1, 1, 9, 9)
    assert not tiny1._native_kernel_applies()
    torch.testing.assert_close(tiny1(x1), ref1(x1))


def test_vgg_tiny_conv_stages():
    vgg = WidthScaledVGG(width_divisor=32, in_channels=1,
                         tiny_conv_stages=(0, 1))
    kinds = [type(m.conv) for name in vgg.stage_names
             for m in getattr(vgg, name) if hasattr(m, 'conv')]
    assert kinds[:4] == [TinyConv2d] * 4  # conv1_1..conv2_2
    assert kinds[4:] == [nn.Conv2d] * 9
    plain = WidthScaledVGG(width_divisor=32, in_channels=1)
    plain.load_state_dict(vgg.state_dict())
    plain.eval()
    vgg.eval()
    x = torch.randn(1, 1, 64, 96)
    with torch.no_grad():
        torch.testing.assert_close(vgg(x)[0], plain(x)[0], rtol=1e-5,
                                   atol=1e-5)
    with pytest.raises(ValueError, match='tiny_conv_stages'):
        WidthScaledVGG(width_divisor=32, tiny_conv_stages=(5, ))


def test_fx_trace_of_tiny_conv_backbone():
    """torch.fx traces a backbone of TinyConv2d layers (as plain conv2d
    calls) to the same outputs."""
    vgg = WidthScaledVGG(width_divisor=32, in_channels=1,
                         tiny_conv_stages=(0, 1, 2, 3, 4)).eval()
    traced = torch.fx.symbolic_trace(vgg)
    x = torch.randn(1, 1, 48, 64)
    with torch.no_grad():
        torch.testing.assert_close(traced(x)[0], vgg(x)[0])


@pytest.mark.parametrize('cin,cout,hw,max_bytes,native', [
    (2, 4, (24, 32), None, True),       # 2*9*768*4 B: fits 1 MiB
    (16, 16, (12, 16), None, True),
    (16, 16, (48, 64), None, False),    # 16*9*3072*4 B > 1 MiB
    (2, 4, (24, 32), 0, False),         # 0: channels-last as before
    (4, 4, (10, 10), 4 * 9 * 100 * 4, True),    # exactly at the bound
    (4, 4, (10, 10), 4 * 9 * 100 * 4 - 1, False),
])
def test_native_kernel_for_cache_sized_columns(monkeypatch, cin, cout, hw,
                                               max_bytes, native):
    """Inputs whose im2col buffer fits ``native_max_col_bytes`` take the
    native kernel, the rest channels-last; values and gradients are
    Conv2d's either way."""
    kwargs = {} if max_bytes is None else dict(
        native_max_col_bytes=max_bytes)
    torch.manual_seed(0)
    ref = nn.Conv2d(cin, cout, 3, padding=1)
    tiny = TinyConv2d(cin, cout, 3, padding=1, **kwargs)
    tiny.load_state_dict(ref.state_dict())
    calls = []
    thnn = torch._C._nn.thnn_conv2d

    def counting(*args):
        calls.append(args[0].shape)
        return thnn(*args)

    monkeypatch.setattr(torch._C._nn, 'thnn_conv2d', counting)
    outs, grads = _forward_backward((ref, tiny), cin, cout, hw)
    assert bool(calls) == native
    assert outs[1].is_contiguous() and grads[1][0].is_contiguous()
    torch.testing.assert_close(outs[1], outs[0], rtol=1e-5, atol=1e-5)
    for got, want in zip(grads[1], grads[0]):
        # weight gradients sum thousands of terms: compare to their scale
        err = (got - want).abs().max() / want.abs().max()
        assert err < 1e-5, float(err)


def test_native_max_col_bytes_reaches_the_layers():
    vgg = WidthScaledVGG(width_divisor=32, in_channels=1,
                         tiny_conv_stages=(0, 1),
                         tiny_conv_native_max_col_bytes=0)
    convs = [m.conv for m in vgg.stage1] + [m.conv for m in vgg.stage2[1:]]
    assert [c.native_max_col_bytes for c in convs] == [0] * 4
    default = WidthScaledVGG(width_divisor=32, in_channels=1,
                             tiny_conv_stages=(0, ))
    assert default.stage1[0].conv.native_max_col_bytes == 1 << 20
    with pytest.raises(ValueError, match='native_max_col_bytes'):
        TinyConv2d(2, 2, 3, native_max_col_bytes=-1)
