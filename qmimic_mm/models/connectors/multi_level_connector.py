"""One adapter per level of a multi-level feature tuple (an FPN's)."""
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmrazor.models.architectures.connectors import ConvModuleConnector
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS
from torch import nn

Channels = Union[int, Sequence[int]]


@MODELS.register_module()
class MultiLevelConnector(BaseConnector):
    """The transform ``r`` of Eq. 6, one per level of a neck's output.

    Level ``l`` of the student's tuple goes through its own 1x1 convolution
    (MMRazor's ``ConvModuleConnector``, no norm, no activation, as the
    single-map adapter of the R-FCN configs) from the student's channels to
    the teacher's. It changes channels only: a teacher map of another size
    is resampled onto the student's grid by the loss
    (:class:`~qmimic_mm.models.losses.MultiLevelQuantMimicLoss`), because the
    mimic regions live on the student's prior grid.

    Args:
        in_channels (int | list[int]): Student channels per level (one int:
            the same on every level, ``num_levels`` then required).
        out_channels (int | list[int]): Teacher channels per level.
        num_levels (int, optional): Number of levels when both channel
            arguments are ints. Defaults to None.
        kernel_size (int): Kernel of every adapter. Defaults to 1.
        norm_cfg (dict, optional): Norm of every adapter. Defaults to None.
        act_cfg (dict, optional): Activation of every adapter. Defaults to
            None.
        init_cfg (dict, optional): mmengine init config. Defaults to None.

    Example:
        >>> connectors = dict(adapters=dict(
        ...     type='MultiLevelConnector', in_channels=8, out_channels=64,
        ...     num_levels=3))
    """

    def __init__(self,
                 in_channels: Channels,
                 out_channels: Channels,
                 num_levels: Optional[int] = None,
                 kernel_size: int = 1,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg)
        ins, outs = per_level(in_channels, out_channels, num_levels)
        self.adapters = nn.ModuleList(
            ConvModuleConnector(i, o, kernel_size=kernel_size,
                                padding=kernel_size // 2, norm_cfg=norm_cfg,
                                act_cfg=act_cfg)
            for i, o in zip(ins, outs))

    @property
    def num_levels(self) -> int:
        return len(self.adapters)

    def forward_train(self, feature: Sequence[torch.Tensor]  # type: ignore
                      ) -> Tuple[torch.Tensor, ...]:
        if (isinstance(feature, torch.Tensor) or
                len(feature) != self.num_levels):
            got = ('one tensor' if isinstance(feature, torch.Tensor) else
                   f'{len(feature)} levels')
            raise ValueError(
                f'MultiLevelConnector: built for {self.num_levels} levels, '
                f'got {got}. Record the whole neck output (no `data_idx` in '
                'the s_feature mapping) and give the connector one channel '
                'count per level.')
        return tuple(adapter(f) for adapter, f in zip(self.adapters, feature))


def per_level(in_channels: Channels, out_channels: Channels,
              num_levels: Optional[int]) -> Tuple[List[int], List[int]]:
    """Expand ints to per-level lists and check that the lengths agree."""
    lengths = {len(c) for c in (in_channels, out_channels)
               if not isinstance(c, int)}
    if num_levels is not None:
        lengths.add(num_levels)
    if len(lengths) != 1:
        raise ValueError(
            'MultiLevelConnector: in_channels, out_channels and num_levels '
            f'disagree on the number of levels (in_channels={in_channels}, '
            f'out_channels={out_channels}, num_levels={num_levels}). Give '
            'one channel count per level, or ints and num_levels.')
    count = lengths.pop()
    expand = (lambda c: [c] * count if isinstance(c, int) else list(c))
    return expand(in_channels), expand(out_channels)


__all__ = ['MultiLevelConnector']
