"""Uniform quantizer of Quantization Mimic (Wei et al. 2018), Eq. 1-3."""
from typing import Optional

import torch
from mmengine.registry import MODELS

from .base_quantizer import FeatureQuantizer


# MMEngine's root registry: both the mmdet scope (a detector's neck, the
# QuantizedNeck) and the mmrazor scope (the mimic losses) end in it.
@MODELS.register_module()
class UniformQuantizer(FeatureQuantizer):
    """Uniform quantization ``Q`` of a feature map (Eq. 1-3).

    Dictionary ``D = {0, s, 2s, 3s, ...}`` (Eq. 2). An element ``f`` maps to
    the entry ``b`` whose half-open interval ``(a+b)/2 < f <= (b+c)/2`` holds
    it (Eq. 1, ``a``/``c`` the neighbouring entries), so ties at a midpoint go
    down and everything at or below ``s/2`` (negatives included) maps to 0.
    Closed form: ``Q(f) = s * max(0, ceil(f/s - 1/2))``. Backward passes the
    full-precision gradient (straight-through).

    The stride is either fixed (``stride``; the paper's 1.0 for Caffe VGG
    features spanning about [0, 40]) or calibrated (``levels``):
    ``s = P_p(f) / levels`` with ``P_p`` the ``percentile``-th percentile of
    the activations of the first training batches (see
    :class:`FeatureQuantizer`). ``levels=40`` reproduces the paper's ~40
    levels on any feature scale, e.g. batch-norm networks whose activations
    are of order 1.

    Args:
        stride (float, optional): Fixed stride ``s`` (> 0). Defaults to None:
            1.0 (the paper's) unless ``levels`` is set.
        levels (int, optional): Calibrate the stride so that ``levels`` steps
            span the percentile range. Exclusive with ``stride``. Defaults to
            None.
        percentile (float): See :class:`FeatureQuantizer`. Defaults to 99.9.
        calib_batches (int): See :class:`FeatureQuantizer`. Defaults to 10.
        max_value (float, optional): Clamp the top of the dictionary (keeps it
            finite); None leaves it open as in the paper. Defaults to None.
        signed (bool): Extend the dictionary to ``{..., -s, 0, s, ...}``
            (``Q(f) = s * ceil(f/s - 1/2)``, calibrated on ``|f|``) for maps
            without a final ReLU, such as FPN outputs, whose negative half
            the paper's ``D`` would zero. Defaults to False (the paper's).
        init_cfg (dict, optional): Unused; for the mmengine API.

    Example:
        >>> # quantized teacher: a detector whose neck quantizes conv5_3
        >>> model = dict(neck=dict(type='UniformQuantizer', levels=40))
    """

    def __init__(self,
                 stride: Optional[float] = None,
                 levels: Optional[int] = None,
                 percentile: float = 99.9,
                 calib_batches: int = 10,
                 max_value: Optional[float] = None,
                 signed: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        if stride is not None and levels is not None:
            raise ValueError(
                f'UniformQuantizer: set either `stride` (fixed) or `levels` '
                f'(calibrated), not both; got stride={stride}, '
                f'levels={levels}. To calibrate, set stride=None.')
        super().__init__(levels=levels, percentile=percentile,
                         calib_batches=calib_batches, init_cfg=init_cfg)
        if stride is None:
            stride = 1.0
        if not stride > 0:
            raise ValueError(
                f'UniformQuantizer: stride must be > 0, got stride={stride}. '
                'Set the quantizer\'s `stride` key to a positive step '
                '(the paper uses stride=1.0), or calibrate it with `levels`.')
        if max_value is not None and max_value < 0:
            raise ValueError(
                f'UniformQuantizer: max_value must be >= 0, got {max_value}.')
        self._fixed_stride = float(stride)
        self.max_value = max_value
        self.signed = bool(signed)

    @property
    def stride(self) -> float:
        """The stride in use (fixed, or calibrated)."""
        return self.scale()

    def calibration_values(self, x: torch.Tensor) -> torch.Tensor:
        # a signed dictionary spans [-P(|f|), P(|f|)]
        return x.abs() if self.signed else x

    def fixed_scale(self) -> float:
        return self._fixed_stride

    def scale_from_percentile(self, value: float) -> float:
        return value / self.levels

    def quantize_with_scale(self, x: torch.Tensor,
                            scale: float) -> torch.Tensor:
        """Eq. 1: nearest dictionary entry, midpoints rounding down."""
        # One allocation, then in place: this runs on whole feature maps
        # every training step.
        if scale == 1.0:
            quantized = (x - 0.5).ceil_()
        else:
            quantized = x.div(scale).sub_(0.5).ceil_()
        if not self.signed:
            quantized.clamp_(min=0)
        if scale != 1.0:
            quantized.mul_(scale)
        if self.max_value is not None:
            top = (self.max_value // scale) * scale
            quantized.clamp_(min=-top if self.signed else None, max=top)
        return quantized

    def extra_repr(self) -> str:
        if self.calibrating_scale:
            text = f'{self.calibration_repr()}, max_value={self.max_value}'
        else:
            text = f'stride={self._fixed_stride}, max_value={self.max_value}'
        return text + (', signed=True' if self.signed else '')
