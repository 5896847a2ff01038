"""Uniform quantizer of Quantization Mimic (Wei et al. 2018), Eq. 1-3."""
from typing import Optional

import torch
from mmdet.registry import MODELS as MMDET_MODELS
from mmrazor.registry import MODELS

from .base_quantizer import FeatureQuantizer


@MODELS.register_module()
@MMDET_MODELS.register_module()
class UniformQuantizer(FeatureQuantizer):
    """Uniform quantization ``Q`` of a feature map (Eq. 1-3).

    Dictionary ``D = {0, s, 2s, 3s, ...}`` (Eq. 2). An element ``f`` maps to
    the entry ``b`` whose half-open interval ``(a+b)/2 < f <= (b+c)/2`` holds
    it (Eq. 1, ``a``/``c`` the neighbouring entries), so ties at a midpoint go
    down and everything at or below ``s/2`` (negatives included) maps to 0.
    Closed form: ``Q(f) = s * max(0, ceil(f/s - 1/2))``. Backward passes the
    full-precision gradient (straight-through).

    Args:
        stride (float): Quantization stride ``s`` (> 0). The paper uses 1.0
            in every experiment. Defaults to 1.0.
        max_value (float, optional): Clamp the top of the dictionary (keeps it
            finite); None leaves it open as in the paper. Defaults to None.
        init_cfg (dict, optional): Unused; for the mmengine API.

    Example:
        >>> # quantized teacher: a detector whose neck quantizes conv5_3
        >>> model = dict(neck=dict(type='UniformQuantizer', stride=1.0))
    """

    def __init__(self,
                 stride: float = 1.0,
                 max_value: Optional[float] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not stride > 0:
            raise ValueError(
                f'UniformQuantizer: stride must be > 0, got stride={stride}. '
                'Set the quantizer\'s `stride` key to a positive step '
                '(the paper uses stride=1.0).')
        if max_value is not None and max_value < 0:
            raise ValueError(
                f'UniformQuantizer: max_value must be >= 0, got {max_value}.')
        self.stride = float(stride)
        self.max_value = max_value

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        """Eq. 1: nearest dictionary entry, midpoints rounding down."""
        # One allocation, then in place: this runs on whole feature maps
        # every training step.
        if self.stride == 1.0:
            quantized = (x - 0.5).ceil_().clamp_(min=0)
        else:
            quantized = x.div(self.stride).sub_(0.5).ceil_().clamp_(min=0)
            quantized.mul_(self.stride)
        if self.max_value is not None:
            top = (self.max_value // self.stride) * self.stride
            quantized.clamp_(max=top)
        return quantized

    def extra_repr(self) -> str:
        return f'stride={self.stride}, max_value={self.max_value}'
