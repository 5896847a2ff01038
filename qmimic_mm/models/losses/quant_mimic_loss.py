"""RoI mimic loss of Quantization Mimic (Wei et al. 2018), Eq. 5 and Eq. 6."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS


def roi_cell_masks(rois: torch.Tensor, stride: float, height: int,
                   width: int) -> tuple:
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


@MODELS.register_module()
class QuantMimicLoss(nn.Module):
    """Quantization Mimic loss over RoIs (Eq. 6; Eq. 5 without quantizer).

    ``L_m = lambda / (2N) * sum_i || Q(f_t^i) - Q(r(f_s^i)) ||_2^2``

    ``f^i`` are the elements of the last feature map inside proposal ``i``
    (see :func:`roi_cell_masks`), ``N`` the number of proposals, ``r`` the
    adapter (an MMRazor connector applied to ``s_feature`` before this loss)
    and ``Q`` the configured quantizer. With ``quantizer=None`` this is Li
    et al.'s RoI mimic loss (Eq. 5). When the student map differs from the
    teacher's in size (another stride), it is resized bilinearly onto the
    teacher's grid first; RoIs are then read at ``teacher_stride``.

    Per-RoI sums use a mask product (rows x map x columns): exact, vectorised
    and linear in the number of RoIs, so the 2000 R-FCN proposals are cheap.

    Args:
        loss_weight (float): lambda, >= 0 (0.1, 1, 10 in the paper, 1 best).
            Defaults to 1.0.
        quantizer (dict, optional): Quantizer config applied to both maps,
            e.g. ``dict(type='UniformQuantizer', stride=1.0)``. None gives
            Eq. 5 (no quantization). Defaults to None.
        teacher_stride (float): Stride of the teacher's feature map in
            pixels. Defaults to 16 (VGG conv5_3, ResNet-DC5).

    Example:
        >>> loss_qm = dict(type='QuantMimicLoss', loss_weight=1.0,
        ...                quantizer=dict(type='UniformQuantizer', stride=1.))
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 quantizer: Optional[dict] = None,
                 teacher_stride: float = 16) -> None:
        super().__init__()
        if not loss_weight >= 0:
            raise ValueError(
                f'QuantMimicLoss: loss_weight (lambda) must be >= 0, got '
                f'loss_weight={loss_weight}. Set the distill loss\'s '
                '`loss_weight` key to a non-negative value (the paper tries '
                '0.1, 1 and 10).')
        if not teacher_stride > 0:
            raise ValueError(
                f'QuantMimicLoss: teacher_stride must be > 0, got '
                f'{teacher_stride}.')
        self.loss_weight = float(loss_weight)
        self.teacher_stride = float(teacher_stride)
        self.quantizer = MODELS.build(quantizer) if quantizer else None

    def forward(self, s_feature: torch.Tensor, t_feature: torch.Tensor,
                rois: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            s_feature (Tensor): Student map after the adapter, (B, C, h, w).
            t_feature (Tensor): Teacher map, (B, C, H, W).
            rois (Tensor): (N, 5) ``[batch_idx, x1, y1, x2, y2]`` in pixels.

        Returns:
            Tensor: Scalar loss; zero (still differentiable) when N = 0.
        """
        if s_feature.shape[:2] != t_feature.shape[:2]:
            raise ValueError(
                'QuantMimicLoss: student feature after the adapter has shape '
                f'{tuple(s_feature.shape)} but the teacher feature has '
                f'{tuple(t_feature.shape)}; batch size and channels must '
                'agree. Set the adapter connector\'s out channels to the '
                f'teacher\'s {t_feature.shape[1]}.')
        if s_feature.shape[-2:] != t_feature.shape[-2:]:
            s_feature = F.interpolate(
                s_feature, size=t_feature.shape[-2:], mode='bilinear',
                align_corners=False)
        with torch.no_grad():  # the teacher is a fixed target
            t_feature = t_feature.to(s_feature.dtype)
            if self.quantizer is not None:
                t_feature = self.quantizer.quantize(t_feature)
        if self.quantizer is not None:
            s_feature = self.quantizer(s_feature)
        # Squared L2 over channels, per cell: (B, H, W).
        diff = s_feature - t_feature
        sq_dist = (diff * diff).sum(dim=1)
        num_rois = rois.shape[0]
        if num_rois == 0:
            return sq_dist.sum() * 0.0
        rois = rois.detach().to(sq_dist.dtype)
        row_mask, col_mask = roi_cell_masks(rois, self.teacher_stride,
                                            *sq_dist.shape[-2:])
        batch_idx = rois[:, 0].long()
        # (N, H) x (N, H, W) -> (N, W), then weight columns and sum.
        per_row = torch.bmm(row_mask.to(sq_dist.dtype)[:, None],
                            sq_dist[batch_idx]).squeeze(1)
        total = (per_row * col_mask.to(sq_dist.dtype)).sum()
        return self.loss_weight * total / (2 * num_rois)

    def extra_repr(self) -> str:
        return (f'loss_weight={self.loss_weight}, '
                f'teacher_stride={self.teacher_stride}')
