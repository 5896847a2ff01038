"""The optimised inference paths equal what they replace.

* :func:`ps_roi_pool` (one flat gather) against the first implementation
  (``tests/ps_roi_pool_reference.py``, four advanced-indexing gathers):
  forward bit-identical, gradient within 1e-6;
* :func:`capped_nms` against ``mmcv.ops.nms(...)[1][:max_num]``: the same
  indices in the same order, ties and offsets included.
"""
import pytest
import torch
from mmcv.ops import nms

from ps_roi_pool_reference import ps_roi_pool as reference_ps_roi_pool
from qmimic_mm.models.layers import capped_nms, ps_roi_pool


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


def random_boxes(num: int, gen, size: float = 500.) -> torch.Tensor:
    xy = torch.rand(num, 2, generator=gen) * size
    wh = torch.rand(num, 2, generator=gen) * size / 3 + 1
    return torch.cat([xy, xy + wh], 1)


@pytest.mark.parametrize('num,thr,max_num', [(6000, 0.7, 300),
                                             (3000, 0.5, 100),
                                             (2000, 0.3, 50),
                                             (500, 0.7, 300),
                                             (800, 0.7, -1)])
def test_capped_nms_equals_mmcv(num, thr, max_num):
    gen = torch.Generator().manual_seed(num)
    boxes = random_boxes(num, gen)
    scores = torch.rand(num, generator=gen)
    full = nms(boxes, scores, thr)[1]
    expected = full if max_num <= 0 else full[:max_num]
    assert torch.equal(capped_nms(boxes, scores, thr, max_num), expected)


def test_capped_nms_ties_offset_and_clusters():
    gen = torch.Generator().manual_seed(1)
    # crowded clusters (long suppression chains) and quantised scores
    # (many ties, whose order only mmcv's own sort decides)
    centres = random_boxes(40, gen)
    boxes = centres.repeat(100, 1) + torch.randn(4000, 4, generator=gen) * 6
    boxes[:, 2:] = torch.maximum(boxes[:, 2:], boxes[:, :2] + 1)
    scores = (torch.rand(4000, generator=gen) * 20).floor() / 20
    for offset in (0, 1):
        full = nms(boxes, scores, 0.6, offset=offset)[1]
        got = capped_nms(boxes, scores, 0.6, 30, offset=offset)
        assert torch.equal(got, full[:30])
