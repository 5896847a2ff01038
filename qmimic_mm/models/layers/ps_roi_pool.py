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
                size: Tensor) -> Tuple[Tensor, Tensor]:
    """Integer cell range ``[lo, hi)`` of each of the ``k`` bins along the
    two axes at once, clipped to ``[0, size]``.

    Args:
        start (Tensor): (K, 2) RoI start (x, y) on the feature map
            (float64).
        end (Tensor): (K, 2) RoI end (x, y) on the feature map (float64).
        k (int): Number of bins along each axis.
        size (Tensor): (2,) feature map size (width, height), int64.

    Returns:
        tuple[Tensor, Tensor]: ``lo`` and ``hi``, both (2, k, K) int64:
        axis (x, y), bin, RoI -- rows of K values, so that every op is one
        pass over a row (in ONNX Runtime a broadcast over short rows costs
        a call per row).
    """
    # R-FCN keeps degenerate RoIs alive with a minimum extent of 0.1 cells.
    bin_size = ((end - start).clamp(min=0.1) / k).t()[:, None]  # (2, 1, K)
    start = start.t()[:, None]
    steps = torch.arange(k, dtype=start.dtype,
                         device=start.device)[None, :, None]  # (1, k, 1)
    lo = torch.floor(steps * bin_size + start)
    hi = torch.ceil((steps + 1) * bin_size + start)
    upper = size.view(2, 1, 1).to(lo.dtype)
    lo = torch.minimum(lo.clamp(min=0), upper).long()
    hi = torch.minimum(hi.clamp(min=0), upper).long()
    return lo, hi


def _summed_area_rows(feats: Tensor, k2: int) -> Tensor:
    """Float64 summed-area table of every channel with a zero first row and
    column, as rows of ``C_out`` channels: row ``((b * k2 + g) * (H + 1) +
    y) * (W + 1) + x`` holds the sums over cells ``[0, y) x [0, x)`` of bin
    group ``g`` of image ``b``.

    float64 keeps the four-term difference of :func:`ps_roi_pool` free of
    cancellation on large maps. The running sums are the same in either
    memory layout; each runtime gets the order of steps it is fast in:
    PyTorch's cumsum along the innermost axis (NCHW) then one copy to the
    channels-last rows; ONNX Runtime pads first (in float32, along the
    inner axes), turns each bin group channels-last with one transpose of
    (C_out, cells) blocks and sums along outer axes (its cumsum is ~5x
    slower along the innermost one, its 4-D transposes ~3x slower).
    """
    n, c_all, h, w = feats.shape
    c_out = c_all // k2
    if torch.onnx.is_in_onnx_export():
        padded = nn.functional.pad(feats, (1, 0, 1, 0))
        sat = padded.reshape(n * k2, c_out, -1).transpose(1, 2)
        sat = sat.to(torch.float64).reshape(n * k2, h + 1, w + 1, c_out)
        return sat.cumsum(1).cumsum(2).reshape(-1, c_out)
    sat = feats.to(torch.float64).cumsum(2).cumsum(3)
    sat = sat.view(n, k2, c_out, h, w).permute(0, 1, 3, 4, 2)
    return nn.functional.pad(sat, (0, 0, 1, 0, 1, 0)).reshape(-1, c_out)


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
    k2 = k * k
    c_out = c_all // k2

    boxes = rois.detach().to(torch.float64)
    batch_inds = boxes[:, 0].long()
    corners = _round_half_away(boxes[:, 1:5])  # x1, y1, x2, y2
    start = corners[:, :2] * spatial_scale
    end = (corners[:, 2:] + 1.) * spatial_scale
    # the map size as a tensor, so that an exported graph reads it
    size = torch._shape_as_tensor(feats)[2:].flip(0).to(feats.device)
    lo, hi = _bin_bounds(start, end, k, size)  # (x / y, bin, K)

    # Sum over rows [y0, y1) and columns [x0, x1) from the summed-area
    # table S: S[y1,x1] - S[y0,x1] - S[y1,x0] + S[y0,x0]. All four corners
    # of every bin and RoI are one ``index_select`` of C_out-wide rows (a
    # gather of 48-byte rows instead of single numbers: ~5x faster in
    # ONNX Runtime, ~20x in PyTorch).
    rows = _summed_area_rows(feats, k2)
    # Row of (b, group g = i*k + j, y, x) for bin (i, j) of each RoI,
    # split into a y part (bin row i) and an x part (bin column j):
    # (4 corners, K, i, j)
    ys = torch.stack([hi[1], lo[1]]).transpose(1, 2)  # (2, K, i)
    xs = torch.stack([hi[0], lo[0]]).transpose(1, 2)  # (2, K, j)
    plane = (h + 1) * (w + 1)
    bin_i = torch.arange(k, device=feats.device) * k
    y_part = ((batch_inds.to(feats.device)[:, None] * k2 + bin_i) * plane
              + ys * (w + 1))
    x_part = torch.arange(k, device=feats.device) * plane + xs
    index = (y_part[None, :, :, :, None]
             + x_part[:, None, :, None, :]).reshape(4, -1, k, k)
    corner_sums = rows.index_select(0, index.view(-1)).view(
        *index.shape, c_out)
    bin_sum = (corner_sums[0] - corner_sums[1] - corner_sums[2] +
               corner_sums[3])  # (K, i, j, c)
    y_len = (hi[1] - lo[1]).clamp(min=0).t()  # (K, i)
    x_len = (hi[0] - lo[0]).clamp(min=0).t()  # (K, j)
    area = (y_len[:, :, None] * x_len[:, None, :]).to(bin_sum.dtype)
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
