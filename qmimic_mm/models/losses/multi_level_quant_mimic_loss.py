"""Multi-level Quantization Mimic loss for one-stage detectors (Eq. 6 over
the mimic regions of every level of a neck)."""
import copy
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS

from .dense_regions import MimicRegions

NORMALIZATIONS = ('regions', 'elements')


@MODELS.register_module()
class MultiLevelQuantMimicLoss(nn.Module):
    """Quantization Mimic (Eq. 6; Eq. 5 without quantizer) over the mimic
    regions of every level of a one-stage detector's neck.

    With ``M_l`` the (B, H_l, W_l) region mask of level ``l`` and ``Q_l``
    that level's quantizer::

        d = sum_l sum_{b,y,x} M_l[b,y,x] * || Q_l(f_t^l) - Q_l(r_l(f_s^l)) ||^2

    (squared L2 over channels at each masked cell), and

    * ``normalize='elements'`` (default): ``L_m = lambda * d / (2 E)``,
      ``E = sum_l C_l * |M_l|`` the masked elements of all levels: the
      scale-free mean over every region element of every level, / 2, so that
      lambda means the same at any width, level count or image size;
    * ``normalize='regions'``: Eq. 6 verbatim, ``L_m = lambda * d / (2 N)``
      with ``N`` the number of regions (ground-truth boxes; masked locations
      for the fine-grained and whole-map regions, which makes it Wang et
      al.'s ``1 / (2 N_p)``).

    ``Q_l`` is one quantizer per level, built from ``quantizer``: a calibrated
    one measures its stride on the teacher's level-``l`` map (or takes the
    scale of the teacher's own per-level quantizer when the algorithm finds
    one), then freezes it; the scales are buffers, so checkpoints keep them.
    The regions lie on the student's grid (its priors); a teacher map of
    another size is resampled bilinearly onto that grid before it is
    quantized. An image without ground truth has an empty mask and adds
    nothing; a batch without any region gives a zero, differentiable loss.

    After each call :attr:`last_stats` holds ``match_ratio`` (share of masked
    elements with ``|Q(f_t) - Q(r(f_s))| < match_threshold`` x stride, all
    levels), ``match_ratio.l{i}`` and ``regions``.

    Args:
        num_levels (int): Number of neck levels mimicked.
        loss_weight (float): lambda, >= 0. Defaults to 1.0.
        quantizer (dict, optional): Config of each level's quantizer, e.g.
            ``dict(type='UniformQuantizer', levels=40)``; None gives Eq. 5.
            Defaults to None.
        normalize (str): ``'elements'`` or ``'regions'``. Defaults to
            'elements'.
        match_threshold (float): Matching distance of the diagnostics, in
            quantizer strides (absolute without a quantizer). Defaults to 0.3
            (the paper's).

    Example:
        >>> loss_qm = dict(type='MultiLevelQuantMimicLoss', num_levels=3,
        ...                quantizer=dict(type='UniformQuantizer', levels=40))
    """

    def __init__(self,
                 num_levels: int,
                 loss_weight: float = 1.0,
                 quantizer: Optional[dict] = None,
                 normalize: str = 'elements',
                 match_threshold: float = 0.3) -> None:
        super().__init__()
        if not (isinstance(num_levels, int) and num_levels >= 1):
            raise ValueError(
                'MultiLevelQuantMimicLoss: num_levels must be an integer >= '
                f'1, got num_levels={num_levels!r}. Set it to the number of '
                'neck outputs the loss compares (3 for RTMDet, 5 for '
                'RetinaNet with a 5-level FPN).')
        if not loss_weight >= 0:
            raise ValueError(
                'MultiLevelQuantMimicLoss: loss_weight (lambda) must be >= 0, '
                f'got loss_weight={loss_weight}.')
        if normalize not in NORMALIZATIONS:
            raise ValueError(
                'MultiLevelQuantMimicLoss: normalize must be one of '
                f'{NORMALIZATIONS}, got {normalize!r}: \'regions\' is Eq. 6 '
                'as written (sum / 2N), \'elements\' the scale-free mean over '
                'the region elements of all levels / 2.')
        if not match_threshold > 0:
            raise ValueError(
                'MultiLevelQuantMimicLoss: match_threshold must be > 0, got '
                f'{match_threshold}.')
        self.num_levels = num_levels
        self.loss_weight = float(loss_weight)
        self.normalize = normalize
        self.match_threshold = float(match_threshold)
        self.quantizers: Optional[nn.ModuleList] = None
        if quantizer:
            self.quantizers = nn.ModuleList(
                MODELS.build(copy.deepcopy(quantizer))
                for _ in range(num_levels))
            for level, q in enumerate(self.quantizers):
                q.calib_source = (f'level {level} of the teacher neck output '
                                  '(the mimic loss\'s target)')
        self.last_stats: Dict[str, float] = {}

    def forward(self, s_feature: Sequence[torch.Tensor],
                t_feature: Sequence[torch.Tensor],
                regions: MimicRegions) -> torch.Tensor:
        """Compute the loss.

        Args:
            s_feature (tuple[Tensor]): Student maps after the adapters, one
                (B, C_l, h_l, w_l) per level.
            t_feature (tuple[Tensor]): Teacher maps, (B, C_l, H_l, W_l).
            regions (MimicRegions): The student's region masks.

        Returns:
            Tensor: Scalar loss.
        """
        self._check_levels(s_feature, t_feature, regions)
        total = s_feature[0].new_zeros((), dtype=torch.float32)
        elements = 0.0
        matched: List[float] = []
        counts: List[float] = []
        for level in range(self.num_levels):
            mask = regions.masks[level]
            student, target = self.level_maps(level, s_feature[level],
                                              t_feature[level])
            # squares and sums in fp32, also under fp16 / bf16 autocast
            diff = student.float() - target.float()
            mask = mask.to(diff.dtype)
            total = total + ((diff * diff).sum(dim=1) * mask).sum()
            cells = float(mask.sum())
            elements += cells * diff.shape[1]
            with torch.no_grad():
                close = diff.abs() < self.match_distance(level)
                matched.append(float((close.sum(dim=1) * mask).sum()))
                counts.append(cells * diff.shape[1])
        denominator = (2.0 * regions.num_regions if self.normalize == 'regions'
                       else 2.0 * elements)
        self.last_stats = self._stats(matched, counts, regions.num_regions)
        if denominator == 0:  # no region in the batch: no NaN, zero gradient
            return total * 0.0
        return self.loss_weight * total / denominator

    def level_maps(self, level: int, s_feature: torch.Tensor,
                   t_feature: torch.Tensor
                   ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Level ``l``'s student map and its target, on the student's grid,
        both quantized (straight-through on the student) when ``Q`` is set.
        """
        with torch.no_grad():  # the teacher is a fixed target
            target = t_feature.to(s_feature.dtype)
            if target.shape[-2:] != s_feature.shape[-2:]:
                target = F.interpolate(target, size=s_feature.shape[-2:],
                                       mode='bilinear', align_corners=False)
            if self.quantizers is not None:
                self.quantizers[level].observe(target)
                target = self.quantizers[level].quantize(target)
        if self.quantizers is not None:
            s_feature = self.quantizers[level].straight_through(s_feature)
        return s_feature, target

    def match_distance(self, level: int) -> float:
        """The absolute distance under which elements of a level match."""
        if self.quantizers is None:
            return self.match_threshold
        stride = getattr(self.quantizers[level], 'stride', None)
        return self.match_threshold * (stride if stride else 1.0)

    def _check_levels(self, s_feature: Sequence[torch.Tensor],
                      t_feature: Sequence[torch.Tensor],
                      regions: MimicRegions) -> None:
        levels = {'s_feature': _count(s_feature),
                  't_feature': _count(t_feature),
                  'regions': regions.num_levels}
        if set(levels.values()) != {self.num_levels}:
            raise ValueError(
                f'MultiLevelQuantMimicLoss: built for num_levels='
                f'{self.num_levels}, but got {levels} levels. Record the '
                'whole neck output of both detectors (no `data_idx`), and set '
                'num_levels and the connector to the number of neck outputs.')
        for level, (s, t, m) in enumerate(zip(s_feature, t_feature,
                                              regions.masks)):
            if (s.shape[:2] != t.shape[:2] or
                    tuple(m.shape) != (s.shape[0], *s.shape[-2:])):
                raise ValueError(
                    f'MultiLevelQuantMimicLoss: level {level}: the student '
                    f'map after the adapter is {tuple(s.shape)}, the teacher '
                    f'map {tuple(t.shape)} and the region mask '
                    f'{tuple(m.shape)}; batch and channels must agree and the '
                    'mask must be on the student grid. Set the connector\'s '
                    'out_channels to the teacher\'s channels per level and '
                    'record the regions from the student\'s dense head.')
            if not _same_aspect(s.shape[-2:], t.shape[-2:]):
                raise ValueError(
                    f'MultiLevelQuantMimicLoss: level {level}: the student '
                    f'map is {tuple(s.shape[-2:])} and the teacher map '
                    f'{tuple(t.shape[-2:])} (H, W); they cover different '
                    'fields, so no resampling aligns them. Give teacher and '
                    'student the same input size and pad_size_divisor, and '
                    'pair levels of the same image region.')

    def _stats(self, matched: List[float], counts: List[float],
               num_regions: int) -> Dict[str, float]:
        stats = {f'match_ratio.l{i}': m / c
                 for i, (m, c) in enumerate(zip(matched, counts)) if c > 0}
        if sum(counts) > 0:
            stats['match_ratio'] = sum(matched) / sum(counts)
        stats['regions'] = float(num_regions)
        return stats

    def extra_repr(self) -> str:
        return (f'num_levels={self.num_levels}, '
                f'loss_weight={self.loss_weight}, '
                f'normalize={self.normalize!r}')


def _count(feature) -> int:
    return 1 if isinstance(feature, torch.Tensor) else len(feature)


def _same_aspect(student: Sequence[int], teacher: Sequence[int]) -> bool:
    """Whether the two grids cover the same field, up to one cell of
    rounding (maps of strides s and 2s of one padded image)."""
    (sh, sw), (th, tw) = student, teacher
    if sh == th and sw == tw:
        return True
    scale_h, scale_w = th / sh, tw / sw
    return abs(scale_h - scale_w) <= max(scale_h, scale_w) / min(sh, sw) + 1e-9
