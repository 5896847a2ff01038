"""capped_nms equals ``mmcv.ops.nms(...)[1][:max_num]``: the same indices
in the same order, ties and offsets included."""
import pytest
import torch
from mmcv.ops import nms

from qmimic_mm.models.cpu_speedups import capped_nms


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
