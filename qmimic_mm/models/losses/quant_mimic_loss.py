"""RoI mimic loss of Quantization Mimic (Wei et al. 2018), Eq. 5 and Eq. 6."""
from typing import Dict, Optional

import torch
import torch.nn as nn
from mmrazor.registry import MODELS

from .roi_cells import RoICells, align_to_teacher

NORMALIZATIONS = ('rois', 'elements')


@MODELS.register_module()
class QuantMimicLoss(nn.Module):
    """Quantization Mimic loss over RoIs (Eq. 6; Eq. 5 without quantizer).

    Two normalisations of the same squared distance
    ``d_i = || Q(f_t^i) - Q(r(f_s^i)) ||_2^2`` (summed over the elements,
    cells x channels, of RoI ``i``):

    * ``normalize='rois'`` — Eq. 6 verbatim:
      ``L_m = lambda / (2N) * sum_i d_i``. Its scale grows with the RoI size
      and the channel count (``C * cells``); on the paper's R-FCN it starts
      about 1000x the detection losses and with the paper's stride-1
      quantizer on batch-norm features it collapses the student (measured:
      AP 0, every conv5_3 unit dead).
    * ``normalize='elements'`` (default) — scale-free:
      ``L_m = lambda / (2 M) * sum_i d_i`` with ``M = sum_i C * |cells_i|``,
      the mean squared distance over the RoI elements, / 2. The same minimiser
      and gradient direction, of the order of the detection losses for any
      width, map and RoI size, so lambda means the same on every network.

    ``f^i`` are the elements of the last feature map inside proposal ``i``
    (see :func:`~.roi_cells.roi_cell_masks`), ``N`` the number of proposals,
    ``r`` the adapter (an MMRazor connector applied to ``s_feature`` before
    this loss) and ``Q`` the configured quantizer; its scale, when
    calibrated, is measured on the teacher map (the teacher's own quantizer,
    when it has one, is copied in by the algorithm). With
    ``quantizer=None`` this is Li et al.'s RoI mimic loss (Eq. 5). When the
    student map differs from the teacher's in size (another stride), it is
    resized bilinearly onto the teacher's grid first.

    After each call :attr:`last_stats` holds diagnostics for the training
    log: ``match_ratio`` (Fig. 5's per-RoI share of elements with
    ``|Q(f_t) - Q(r(f_s))| < match_threshold``, in units of the quantizer
    stride for a uniform ``Q`` — "in the same bin" — and absolute without
    one; mean over RoIs) and ``rois`` (N).

    Args:
        loss_weight (float): lambda, >= 0 (0.1, 1, 10 in the paper, 1 best).
            Defaults to 1.0.
        quantizer (dict, optional): Quantizer config applied to both maps,
            e.g. ``dict(type='UniformQuantizer', levels=40)``. None gives
            Eq. 5 (no quantization). Defaults to None.
        teacher_stride (float): Stride of the teacher's feature map in
            pixels. Defaults to 16 (VGG conv5_3, ResNet-DC5).
        normalize (str): ``'elements'`` or ``'rois'`` (see above).
            Defaults to 'elements'.
        match_threshold (float): Distance under which an element counts as
            matched in :attr:`last_stats`. Defaults to 0.3 (the paper's).

    Example:
        >>> loss_qm = dict(type='QuantMimicLoss', loss_weight=1.0,
        ...                quantizer=dict(type='UniformQuantizer', levels=40))
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 quantizer: Optional[dict] = None,
                 teacher_stride: float = 16,
                 normalize: str = 'elements',
                 match_threshold: float = 0.3) -> None:
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
        if normalize not in NORMALIZATIONS:
            raise ValueError(
                f'QuantMimicLoss: normalize must be one of {NORMALIZATIONS}, '
                f'got {normalize!r}: \'rois\' is Eq. 6 as written (sum / 2N), '
                '\'elements\' the scale-free mean over RoI elements / 2.')
        if not match_threshold > 0:
            raise ValueError(
                f'QuantMimicLoss: match_threshold must be > 0, got '
                f'{match_threshold}.')
        self.loss_weight = float(loss_weight)
        self.teacher_stride = float(teacher_stride)
        self.normalize = normalize
        self.match_threshold = float(match_threshold)
        self.quantizer = MODELS.build(quantizer) if quantizer else None
        if self.quantizer is not None:
            self.quantizer.calib_source = (
                'the teacher feature map of the mimic loss')
        self.last_stats: Dict[str, float] = {}

    def match_distance(self) -> float:
        """The absolute distance under which elements match."""
        stride = getattr(self.quantizer, 'stride', None)
        return self.match_threshold * (stride if stride else 1.0)

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
        try:
            s_feature = align_to_teacher(s_feature, t_feature)
        except ValueError as err:
            raise ValueError(f'QuantMimicLoss: {err}') from None
        # In fp32 even under fp16/bf16 autocast (--amp): a sum of squared
        # differences over channels and cells overflows fp16 (max 65504),
        # half-precision rounding would move values across the quantizer's
        # bin edges, and autocast would run the RoI sums (a matmul) in half
        # precision. The gradient flows back through the casts.
        with torch.autocast(s_feature.device.type, enabled=False):
            return self._loss(s_feature.float(), t_feature.float(),
                              rois.float())

    def _loss(self, s_feature: torch.Tensor, t_feature: torch.Tensor,
              rois: torch.Tensor) -> torch.Tensor:
        """Eq. 5/6 on fp32 maps of the same size."""
        with torch.no_grad():  # the teacher is a fixed target
            if self.quantizer is not None:
                self.quantizer.observe(t_feature)
                t_feature = self.quantizer.quantize(t_feature)
        if self.quantizer is not None:
            s_feature = self.quantizer.straight_through(s_feature)
        # Squared L2 over channels, per cell: (B, H, W).
        diff = s_feature - t_feature
        sq_dist = (diff * diff).sum(dim=1)
        num_rois = rois.shape[0]
        if num_rois == 0:
            self.last_stats = dict(rois=0.0)
            return sq_dist.sum() * 0.0
        cells = RoICells(rois, self.teacher_stride, *sq_dist.shape[-2:],
                         dtype=sq_dist.dtype)
        total = cells.sums(sq_dist).sum()
        if self.normalize == 'rois':
            denominator = 2.0 * num_rois
        else:
            elements = cells.cells_per_roi().sum() * t_feature.shape[1]
            denominator = 2.0 * elements.clamp(min=1)
        with torch.no_grad():
            self.last_stats = self._stats(diff, cells)
        return self.loss_weight * total / denominator

    def _stats(self, diff: torch.Tensor,
               cells: RoICells) -> Dict[str, float]:
        ratios = cells.matching_ratios(diff, self.match_distance())
        # a RoI off the map (no cell) counts as unmatched
        return dict(match_ratio=float(ratios.nan_to_num(0.0).mean()),
                    rois=float(cells.num_rois))

    def extra_repr(self) -> str:
        return (f'loss_weight={self.loss_weight}, '
                f'teacher_stride={self.teacher_stride}, '
                f'normalize={self.normalize!r}')
