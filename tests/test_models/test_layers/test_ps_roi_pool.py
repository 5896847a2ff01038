"""Position-sensitive RoI pooling against a naive per-bin loop, and the
one-gather implementation against the first one
(``tests/ps_roi_pool_reference.py``, four advanced-indexing gathers):
forward bit-identical, gradient within 1e-6."""
import math

import pytest
import torch

from ps_roi_pool_reference import ps_roi_pool as reference_ps_roi_pool
from qmimic_mm.models.layers import PSRoIPool, ps_roi_pool


def _c_round(v: float) -> float:
    """C round(): half away from zero."""
    return math.copysign(math.floor(abs(v) + 0.5), v)


def naive_ps_roi_pool(feats, rois, k, scale):
    """Loop over RoIs, bins and channels, literally as py-R-FCN's kernel."""
    n, c_all, h, w = feats.shape
    c_out = c_all // (k * k)
    outs = []
    for roi in rois.tolist():
        b = int(roi[0])
        sw = _c_round(roi[1]) * scale
        sh = _c_round(roi[2]) * scale
        ew = (_c_round(roi[3]) + 1.) * scale
        eh = (_c_round(roi[4]) + 1.) * scale
        bw = max(ew - sw, 0.1) / k
        bh = max(eh - sh, 0.1) / k
        rows = []
        for i in range(k):
            cols = []
            for j in range(k):
                hs = min(max(math.floor(i * bh + sh), 0), h)
                he = min(max(math.ceil((i + 1) * bh + sh), 0), h)
                ws = min(max(math.floor(j * bw + sw), 0), w)
                we = min(max(math.ceil((j + 1) * bw + sw), 0), w)
                g = i * k + j
                chans = feats[b, g * c_out:(g + 1) * c_out]
                if he <= hs or we <= ws:
                    cols.append(chans.sum((1, 2)) * 0.)
                else:
                    cols.append(chans[:, hs:he, ws:we].mean((1, 2)))
            rows.append(torch.stack(cols, -1))
        outs.append(torch.stack(rows, -2))
    return torch.stack(outs) if outs else feats.new_zeros(0, c_out, k, k)


ROIS = torch.tensor([
    [0, 10., 5., 100., 60.],  # inside
    [1, -40., -30., 50., 40.],  # partly outside (top-left)
    [0, 90., 70., 300., 200.],  # partly outside (bottom-right)
    [1, 500., 500., 600., 640.],  # entirely outside -> all bins empty
    [0, 33., 33., 33., 33.],  # degenerate: a single pixel
    [1, 40., 20., 30., 10.],  # inverted corners -> 0.1-cell minimum
    [0, 7.5, 8.5, 23.5, 24.49],  # rounding of .5 borders
    [1, 0., 0., 127., 111.],  # whole image
])


@pytest.mark.parametrize('k', [3, 2])
def test_forward_and_grad_match_naive(k):
    torch.manual_seed(0)
    c_out = 3
    scale = 1. / 16
    feats = torch.randn(2, c_out * k * k, 7, 8, dtype=torch.float64,
                        requires_grad=True)
    out = ps_roi_pool(feats, ROIS, k, scale)
    ref = naive_ps_roi_pool(feats, ROIS, k, scale)
    assert out.shape == (len(ROIS), c_out, k, k)
    torch.testing.assert_close(out, ref)
    # the fully outside RoI gives zeros; the whole-image one does not
    assert out[3].abs().sum() == 0
    assert out[7].abs().sum() > 0

    upstream = torch.randn_like(out)
    grad, = torch.autograd.grad((out * upstream).sum(), feats)
    grad_ref, = torch.autograd.grad((ref * upstream).sum(), feats)
    torch.testing.assert_close(grad, grad_ref)
    assert grad.abs().sum() > 0


def test_float32_and_module():
    torch.manual_seed(1)
    feats = torch.randn(2, 2 * 9, 6, 5)
    pool = PSRoIPool(output_size=3, spatial_scale=1. / 8)
    out = pool(feats, ROIS)
    assert out.dtype == torch.float32
    ref = naive_ps_roi_pool(feats, ROIS, 3, 1. / 8)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
    assert 'output_size=3' in repr(pool)


def test_bin_mean_of_constant_group():
    """Bin (i, j) reads channel group i*k+j: constant groups are echoed."""
    k, c_out = 3, 2
    feats = torch.arange(k * k, dtype=torch.float32).repeat_interleave(
        c_out).view(1, -1, 1, 1).expand(1, k * k * c_out, 8, 8).contiguous()
    out = ps_roi_pool(feats, torch.tensor([[0, 0., 0., 127., 127.]]), k)
    expected = torch.arange(k * k, dtype=torch.float32).view(k, k)
    torch.testing.assert_close(out[0, 0], expected)
    torch.testing.assert_close(out[0, 1], expected)


def test_zero_rois():
    feats = torch.randn(1, 4 * 9, 5, 5, requires_grad=True)
    out = ps_roi_pool(feats, feats.new_zeros(0, 5))
    assert out.shape == (0, 4, 3, 3)
    out.sum().backward()
    assert feats.grad is not None and feats.grad.abs().sum() == 0


def test_bad_channels():
    with pytest.raises(ValueError, match='multiple of output_size'):
        ps_roi_pool(torch.zeros(1, 10, 4, 4), torch.zeros(1, 5), 3)


def random_rois(num: int, num_imgs: int, size: float, gen) -> torch.Tensor:
    """RoIs partly outside the image, some degenerate."""
    xy = torch.rand(num, 2, generator=gen) * size * 1.2 - size * 0.1
    wh = torch.rand(num, 2, generator=gen) * size * 0.6
    wh[::7] = 0.  # degenerate
    batch = torch.randint(0, num_imgs, (num, 1), generator=gen).float()
    return torch.cat([batch, xy, xy + wh], 1)


@pytest.mark.parametrize('k,c_out,num_imgs', [(3, 6, 1), (3, 2, 2),
                                              (7, 3, 2), (1, 5, 1)])
def test_ps_roi_pool_equals_reference(k, c_out, num_imgs):
    gen = torch.Generator().manual_seed(k * 100 + c_out)
    feats = torch.randn(num_imgs, k * k * c_out, 13, 17, generator=gen) * 5
    rois = random_rois(60, num_imgs, 17 * 16, gen)
    f1 = feats.clone().requires_grad_()
    f2 = feats.clone().requires_grad_()
    out = ps_roi_pool(f1, rois, k, 1 / 16)
    ref = reference_ps_roi_pool(f2, rois, k, 1 / 16)
    assert out.shape == ref.shape == (60, c_out, k, k)
    assert torch.equal(out, ref)
    weights = torch.randn(out.shape, generator=gen)
    (out * weights).sum().backward()
    (ref * weights).sum().backward()
    torch.testing.assert_close(f1.grad, f2.grad, rtol=1e-6, atol=1e-6)
    assert f1.grad.abs().sum() > 0


def test_ps_roi_pool_no_rois():
    feats = torch.randn(1, 18, 5, 5)
    out = ps_roi_pool(feats, torch.zeros(0, 5), 3)
    assert out.shape == (0, 2, 3, 3)
