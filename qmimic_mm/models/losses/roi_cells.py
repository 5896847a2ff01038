"""The feature cells inside each RoI, shared by the mimic loss (Eq. 5/6) and
the matching-ratio analysis (Fig. 5), so both read exactly the same
elements."""
from typing import Tuple

import torch
import torch.nn.functional as F


def roi_cell_masks(rois: torch.Tensor, stride: float, height: int,
                   width: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Row and column masks of the feature cells inside each RoI.

    A RoI covers cells ``round(x1/s) .. max(round(x2/s), round(x1/s))``
    (and likewise for y), clipped to the map: the window Caffe's RoIPool
    reads, so every RoI on the map covers at least one cell, even a face
    smaller than the stride.

    Args:
        rois (Tensor): (K, 5) ``[batch_idx, x1, y1, x2, y2]`` in pixels.
        stride (float): Feature map stride in pixels.
        height (int): Feature map height.
        width (int): Feature map width.

    Returns:
        tuple[Tensor, Tensor]: (K, height) and (K, width) 0/1 masks.
    """
    cells = torch.floor(rois[:, 1:] / stride + 0.5)  # half away from zero
    x1, y1, x2, y2 = cells.unbind(1)
    x2, y2 = torch.maximum(x2, x1), torch.maximum(y2, y1)
    cols = torch.arange(width, device=rois.device, dtype=rois.dtype)
    rows = torch.arange(height, device=rois.device, dtype=rois.dtype)
    col_mask = (cols >= x1[:, None]) & (cols <= x2[:, None])
    row_mask = (rows >= y1[:, None]) & (rows <= y2[:, None])
    return row_mask, col_mask


def align_to_teacher(s_feature: torch.Tensor,
                     t_feature: torch.Tensor) -> torch.Tensor:
    """The student map on the teacher's grid (bilinear when the strides
    differ); batch size and channels must already agree."""
    if s_feature.shape[:2] != t_feature.shape[:2]:
        raise ValueError(
            'the student feature after the adapter has shape '
            f'{tuple(s_feature.shape)} but the teacher feature has '
            f'{tuple(t_feature.shape)}; batch size and channels must agree. '
            'Set the adapter connector\'s out channels to the teacher\'s '
            f'{t_feature.shape[1]}.')
    if s_feature.shape[-2:] == t_feature.shape[-2:]:
        return s_feature
    return F.interpolate(s_feature, size=t_feature.shape[-2:],
                         mode='bilinear', align_corners=False)


class RoICells:
    """The cells of a (B, H, W) grid inside each of N RoIs, as masks.

    Per-RoI sums are a mask product (rows x map x columns): exact,
    vectorised and linear in the number of RoIs, so the 2000 R-FCN
    proposals of the paper are cheap.

    Args:
        rois (Tensor): (N, 5) ``[batch_idx, x1, y1, x2, y2]`` in pixels.
        stride (float): Stride of the grid in pixels.
        height (int): Grid height.
        width (int): Grid width.
        dtype (torch.dtype): Dtype of the masks and sums.
    """

    def __init__(self, rois: torch.Tensor, stride: float, height: int,
                 width: int, dtype: torch.dtype = torch.float32) -> None:
        rois = rois.detach().to(dtype)
        row_mask, col_mask = roi_cell_masks(rois, stride, height, width)
        self.row_mask = row_mask.to(dtype)
        self.col_mask = col_mask.to(dtype)
        self.batch_idx = rois[:, 0].long()

    @property
    def num_rois(self) -> int:
        return self.batch_idx.numel()

    def cells_per_roi(self) -> torch.Tensor:
        """(N,) number of grid cells inside each RoI."""
        return self.row_mask.sum(1) * self.col_mask.sum(1)

    def sums(self, cell_values: torch.Tensor) -> torch.Tensor:
        """(N,) sum of a (B, H, W) map over the cells of each RoI."""
        # (N, 1, H) x (N, H, W) -> (N, W), then weight the columns.
        per_row = torch.bmm(self.row_mask[:, None],
                            cell_values[self.batch_idx]).squeeze(1)
        return (per_row * self.col_mask).sum(dim=1)

    def matching_ratios(self, diff: torch.Tensor,
                        threshold: float) -> torch.Tensor:
        """Fig. 5's matching ratio of every RoI.

        Args:
            diff (Tensor): (B, C, H, W) teacher minus student map.
            threshold (float): Distance under which an element matches.

        Returns:
            Tensor: (N,) share of each RoI's elements (cells x channels) with
            ``|diff| < threshold``; NaN for a RoI that covers no cell.
        """
        # Matched channels per cell: one count per cell turns the per-RoI
        # element count into the same mask product as the sums.
        matched = (diff.abs() < threshold).sum(dim=1).to(self.row_mask.dtype)
        hits = self.sums(matched)
        elements = self.cells_per_roi() * diff.shape[1]
        return torch.where(elements > 0, hits / elements.clamp(min=1),
                           torch.full_like(hits, float('nan')))
