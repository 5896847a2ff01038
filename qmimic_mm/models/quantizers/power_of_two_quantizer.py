"""Power-of-two quantizer: the ablation of Quantization Mimic Table 6."""
from typing import Optional

import torch
from mmengine.registry import MODELS

from .base_quantizer import FeatureQuantizer


# MMEngine's root registry: both the mmdet scope (a detector's neck, the
# QuantizedNeck) and the mmrazor scope (the mimic losses) end in it.
@MODELS.register_module()
class PowerOfTwoQuantizer(FeatureQuantizer):
    """Quantize to ``{0} U {m * 2^k : min_exp <= k <= max_exp}`` (Table 6).

    Uses the same nearest-entry rule as Eq. 1 (midpoints go to the lower
    entry) over this dictionary: fine steps for small values, coarse for
    large ones, which the paper found worse for RoI-based mimic. Values above
    the top entry map to it. Backward is straight-through.

    The multiplier ``m`` is 1 (fixed scale) or calibrated (``levels`` set)
    so that the top entry ``m * 2^max_exp`` sits at the ``percentile``-th
    percentile of the first training batches' activations
    (see :class:`FeatureQuantizer`); ``levels`` is then the number of
    non-zero entries, ``min_exp = max_exp - levels + 1``.

    Args:
        min_exp (int): Smallest exponent. Defaults to -4 (1/16).
        max_exp (int): Largest exponent. Defaults to 8 (256).
        levels (int, optional): Calibrate the multiplier; overrides
            ``min_exp``. Defaults to None.
        percentile (float): See :class:`FeatureQuantizer`. Defaults to 99.9.
        calib_batches (int): See :class:`FeatureQuantizer`. Defaults to 10.
        init_cfg (dict, optional): Unused; for the mmengine API.

    Example:
        >>> loss = dict(type='QuantMimicLoss',
        ...             quantizer=dict(type='PowerOfTwoQuantizer', levels=8))
    """

    def __init__(self,
                 min_exp: int = -4,
                 max_exp: int = 8,
                 levels: Optional[int] = None,
                 percentile: float = 99.9,
                 calib_batches: int = 10,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(levels=levels, percentile=percentile,
                         calib_batches=calib_batches, init_cfg=init_cfg)
        if levels is not None:
            min_exp = max_exp - levels + 1
        if min_exp > max_exp:
            raise ValueError(
                f'PowerOfTwoQuantizer: min_exp ({min_exp}) must be <= '
                f'max_exp ({max_exp}).')
        self.min_exp, self.max_exp = int(min_exp), int(max_exp)
        powers = [2.0**k for k in range(self.min_exp, self.max_exp + 1)]
        levels_t = torch.tensor([0.0] + powers, dtype=torch.float64)
        self.register_buffer('entries', levels_t, persistent=False)
        self.register_buffer(
            'midpoints', (levels_t[1:] + levels_t[:-1]) / 2, persistent=False)

    def fixed_scale(self) -> float:
        return 1.0

    def scale_from_percentile(self, value: float) -> float:
        return value / 2.0**self.max_exp

    def quantize_with_scale(self, x: torch.Tensor,
                            scale: float) -> torch.Tensor:
        """Index of the first midpoint >= x is the entry's index."""
        scaled = x.double().contiguous()
        if scale != 1.0:
            scaled = scaled / scale
        index = torch.searchsorted(self.midpoints, scaled)
        return (self.entries[index] * scale).to(x.dtype)

    def extra_repr(self) -> str:
        extra = self.calibration_repr()
        return (f'min_exp={self.min_exp}, max_exp={self.max_exp}' +
                (f', {extra}' if extra else ''))
