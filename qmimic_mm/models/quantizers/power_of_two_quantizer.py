"""Power-of-two quantizer: the ablation of Quantization Mimic Table 6."""
import torch
from mmdet.registry import MODELS as MMDET_MODELS
from mmrazor.registry import MODELS

from .base_quantizer import FeatureQuantizer


@MODELS.register_module()
@MMDET_MODELS.register_module()
class PowerOfTwoQuantizer(FeatureQuantizer):
    """Quantize to ``{0} U {2^k : min_exp <= k <= max_exp}`` (Table 6).

    Uses the same nearest-entry rule as Eq. 1 (midpoints go to the lower
    entry) over this dictionary: fine steps for small values, coarse for
    large ones, which the paper found worse for RoI-based mimic. Values above
    the top entry map to it. Backward is straight-through.

    Args:
        min_exp (int): Smallest exponent. Defaults to -4 (1/16).
        max_exp (int): Largest exponent. Defaults to 8 (256).
        init_cfg (dict, optional): Unused; for the mmengine API.

    Example:
        >>> loss = dict(type='QuantMimicLoss',
        ...             quantizer=dict(type='PowerOfTwoQuantizer'))
    """

    def __init__(self,
                 min_exp: int = -4,
                 max_exp: int = 8,
                 init_cfg: dict = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if min_exp > max_exp:
            raise ValueError(
                f'PowerOfTwoQuantizer: min_exp ({min_exp}) must be <= '
                f'max_exp ({max_exp}).')
        self.min_exp, self.max_exp = int(min_exp), int(max_exp)
        powers = [2.0**k for k in range(self.min_exp, self.max_exp + 1)]
        levels = torch.tensor([0.0] + powers, dtype=torch.float64)
        self.register_buffer('levels', levels, persistent=False)
        self.register_buffer(
            'midpoints', (levels[1:] + levels[:-1]) / 2, persistent=False)

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        """Index of the first midpoint >= x is the entry's index."""
        index = torch.searchsorted(self.midpoints, x.double().contiguous())
        return self.levels[index].to(x.dtype)

    def extra_repr(self) -> str:
        return f'min_exp={self.min_exp}, max_exp={self.max_exp}'
