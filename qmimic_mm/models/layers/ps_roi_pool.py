"""Position-sensitive RoI pooling (R-FCN, Dai et al. 2016), pure PyTorch.

The op averages, for every RoI and every one of its ``k x k`` bins, the
channel group that belongs to that bin. Exact per-bin averages are read from a
summed-area table (integral image): four look-ups per bin, no loop over RoIs
or bins, and autograd gives the gradient w.r.t. the feature map for free.
All look-ups (four corners x bins x RoIs) are one gather of rows of a
channels-last table (``index_select``); the first version, kept in
``tests/ps_roi_pool_reference.py``, did four multi-tensor advanced-indexing
gathers and a separate float64 copy, about 2x slower at 300 RoIs. Results
are bit-identical.
"""
from typing import Tuple

import torch
from torch import Tensor, nn


def _round_half_away(x: Tensor) -> Tensor:
    """C ``round()`` (half away from zero), as py-R-FCN's CUDA kernel uses;
    ``torch.round`` rounds half to even and would move some RoI borders."""
    return torch.sign(x) * torch.floor(x.abs() + 0.5)


def _bin_bounds(start: Tensor, end: Tensor, k: int,
                size: int) -> Tuple[Tensor, Tensor]:
    """Integer pixel range ``[lo, hi)`` of each of the ``k`` bins along one
    axis, clipped to ``[0, size]``.

    Args:
        start (Tensor): (K,) RoI start on the feature map (float64).
        end (Tensor): (K,) RoI end on the feature map (float64).
        k (int): Number of bins along the axis.
        size (int): Feature map size along the axis.

    Returns:
        tuple[Tensor, Tensor]: ``lo`` and ``hi``, both (K, k) int64.
    """
    # R-FCN keeps degenerate RoIs alive with a minimum extent of 0.1 cells.
    bin_size = (end - start).clamp(min=0.1) / k
    steps = torch.arange(k, dtype=start.dtype, device=start.device)
    lo = torch.floor(steps[None] * bin_size[:, None] + start[:, None])
    hi = torch.ceil((steps[None] + 1) * bin_size[:, None] + start[:, None])
    lo = lo.clamp(0, size).long()
    hi = hi.clamp(0, size).long()
    return lo, hi


def ps_roi_pool(feats: Tensor,
                rois: Tensor,
                output_size: int = 3,
                spatial_scale: float = 1. / 16) -> Tensor:
    """Position-sensitive RoI average pooling of R-FCN (Dai et al. 2016).

    Channel layout: ``feats`` holds ``k * k`` groups of ``C_out`` channels,
    group ``g = i * k + j`` being the score maps of bin (row ``i``, column
    ``j``); bin (i, j) of the output is the exact mean of group ``g`` over
    the feature cells of that bin. Bin borders follow py-R-FCN's
    ``PSROIPooling``: the RoI spans ``round(x1) * scale`` to
    ``(round(x2) + 1) * scale`` (inclusive pixel coordinates), the bin size
    is ``max(roi size, 0.1) / k``, bin ``j`` covers the cells
    ``floor(start + j * bin)`` .. ``ceil(start + (j + 1) * bin) - 1``
    clipped to the map, and an empty bin gives 0.

    Args:
        feats (Tensor): Score maps (N, C_out * k * k, H, W).
        rois (Tensor): (K, 5) rows ``[batch_idx, x1, y1, x2, y2]`` in image
            pixels. RoIs may lie partly or entirely outside the map; K may
            be 0.
        output_size (int): ``k``, the number of bins per side. Defaults to 3.
        spatial_scale (float): Feature map size / image size.
            Defaults to 1/16.

    Returns:
        Tensor: (K, C_out, k, k), same dtype as ``feats``.
    """
    k = int(output_size)
    n, c_all, h, w = feats.shape
    if c_all % (k * k) != 0:
        raise ValueError(f'feats has {c_all} channels, which is not a '
                         f'multiple of output_size**2 = {k * k}')
    c_out = c_all // (k * k)

    boxes = rois.detach().to(torch.float64)
    batch_inds = boxes[:, 0].long()
    x1 = _round_half_away(boxes[:, 1]) * spatial_scale
    y1 = _round_half_away(boxes[:, 2]) * spatial_scale
    x2 = (_round_half_away(boxes[:, 3]) + 1.) * spatial_scale
    y2 = (_round_half_away(boxes[:, 4]) + 1.) * spatial_scale
    x_lo, x_hi = _bin_bounds(x1, x2, k, w)  # (K, k) along columns j
    y_lo, y_hi = _bin_bounds(y1, y2, k, h)  # (K, k) along rows i

    # Summed-area table with a zero first row/column: the sum over rows
    # [y0, y1) and columns [x0, x1) is S[y1,x1] - S[y0,x1] - S[y1,x0] +
    # S[y0,x0]. float64 keeps the four-term difference free of cancellation
    # on large maps. The table is channels-last, (N, H+1, W+1, k*k, C_out):
    # the C_out channels of one bin group at one corner are one contiguous
    # row, so all four corners of every bin and RoI are one ``index_select``
    # of rows (a gather of 48-byte rows instead of single numbers: ~5x
    # faster in ONNX Runtime, ~20x in PyTorch).
    # The running sums give bit-identical tables in either memory layout;
    # each runtime gets the one its kernel is fast in: PyTorch's cumsum
    # along the innermost axis (NCHW), ONNX Runtime's along outer axes
    # (NHWC; ~5x slower along the innermost one).
    if torch.onnx.is_in_onnx_export():
        sat = feats.permute(0, 2, 3, 1).to(torch.float64)
        sat = sat.cumsum(1).cumsum(2)
    else:
        sat = feats.to(torch.float64).cumsum(2).cumsum(3)
        sat = sat.permute(0, 2, 3, 1)
    sat = nn.functional.pad(sat, (0, 0, 1, 0, 1, 0))
    k2 = k * k
    rows = sat.reshape(-1, c_out)  # row ((b*(H+1) + y)*(W+1) + x)*k2 + g

    # Row of (b, y, x, group g = i*k + j) for bin (i, j) of each RoI:
    # (4 corners, K, i, j)
    groups = torch.arange(k2, device=feats.device).view(1, k, k)
    base = batch_inds.to(feats.device)[:, None, None] * (h + 1)  # (K, 1, 1)
    ya = (base + y_lo[:, :, None]) * (w + 1)
    yb = (base + y_hi[:, :, None]) * (w + 1)
    xa, xb = x_lo[:, None, :], x_hi[:, None, :]
    index = torch.stack([yb + xb, ya + xb, yb + xa, ya + xa]) * k2 + groups
    corner_sums = rows.index_select(0, index.view(-1)).view(
        *index.shape, c_out)
    bin_sum = (corner_sums[0] - corner_sums[1] - corner_sums[2] +
               corner_sums[3])  # (K, i, j, c)
    area = ((y_hi[:, :, None] - y_lo[:, :, None]).clamp(min=0) *
            (x_hi[:, None, :] - x_lo[:, None, :]).clamp(min=0)).to(sat.dtype)
    # Empty bins (clipped away or collapsed) have area 0 and sum 0 -> 0.
    out = bin_sum / area.clamp(min=1.)[..., None]
    # (K, C_out, k, k) over the channels-last (K, k, k, C_out) buffer, the
    # layout of the first version: reductions over the bins (the vote) then
    # sum in the same order (ATen's order depends on the strides)
    return out.to(feats.dtype).permute(0, 3, 1, 2)


class PSRoIPool(nn.Module):
    """Position-sensitive RoI average pooling layer of R-FCN
    (Dai et al. 2016, "R-FCN: Object Detection via Region-based Fully
    Convolutional Networks"), see :func:`ps_roi_pool`.

    Args:
        output_size (int): Bins per side ``k``. Defaults to 3.
        spatial_scale (float): Feature map size / image size.
            Defaults to 1/16.

    Example:
        >>> pool = PSRoIPool(output_size=3, spatial_scale=1 / 16)
        >>> out = pool(score_maps, rois)  # (K, C_out, 3, 3)
    """

    def __init__(self,
                 output_size: int = 3,
                 spatial_scale: float = 1. / 16) -> None:
        super().__init__()
        self.output_size = int(output_size)
        self.spatial_scale = float(spatial_scale)

    def forward(self, feats: Tensor, rois: Tensor) -> Tensor:
        """Pool (K, C_out, k, k) from (N, C_out*k*k, H, W) score maps."""
        return ps_roi_pool(feats, rois, self.output_size, self.spatial_scale)

    def extra_repr(self) -> str:
        return (f'output_size={self.output_size}, '
                f'spatial_scale={self.spatial_scale}')
