"""A detector neck whose outputs are quantized, one quantizer per level."""
import copy
from typing import Optional, Sequence, Tuple

import torch
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import nn


@MODELS.register_module()
class QuantizedNeck(BaseModule):
    """Any mmdet neck followed by the quantizer ``Q`` of Eq. 1-3 on each of
    its outputs: the quantized teacher of Sec. 3.3 for a multi-level
    detector (and the Q-only student).

    The paper finetunes its R-FCN teacher with ``Q`` on the one feature map
    the mimic compares; a one-stage detector mimics every neck level, so each
    level ``l`` gets its own quantizer ``Q_l`` (a calibrated one measures its
    stride on that level's activations, freezes it and keeps it in the
    checkpoint). The head reads the quantized maps; the gradient passes
    straight through. The distillation algorithm copies the frozen
    per-level scales into the mimic loss's quantizers, so teacher and loss
    share one dictionary per level.

    Args:
        neck (dict): The mmdet neck, e.g. ``dict(type='CSPNeXtPAFPN', ...)``.
        quantizer (dict): Config of each level's quantizer, e.g.
            ``dict(type='UniformQuantizer', levels=40)``.
        num_outs (int): Number of outputs of ``neck``.
        init_cfg (dict, optional): mmengine init config. Defaults to None.

    Example:
        >>> neck = dict(type='QuantizedNeck', num_outs=3,
        ...             neck=dict(type='CSPNeXtPAFPN', ...),
        ...             quantizer=dict(type='UniformQuantizer', levels=40))
    """

    def __init__(self, neck: dict, quantizer: dict, num_outs: int,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg)
        if not (isinstance(num_outs, int) and num_outs >= 1):
            raise ValueError(
                f'QuantizedNeck: num_outs must be an integer >= 1, got '
                f'{num_outs!r}; set it to the number of maps the inner neck '
                'returns.')
        self.neck = MODELS.build(neck)
        self.quantizers = nn.ModuleList(
            MODELS.build(copy.deepcopy(quantizer)) for _ in range(num_outs))
        for level, q in enumerate(self.quantizers):
            q.calib_source = f'level {level} of the detector\'s neck output'

    def forward(self, inputs: Sequence[torch.Tensor]
                ) -> Tuple[torch.Tensor, ...]:
        outs = self.neck(inputs)
        if len(outs) != len(self.quantizers):
            raise ValueError(
                f'QuantizedNeck: the inner neck returned {len(outs)} maps but '
                f'num_outs={len(self.quantizers)}; set `num_outs` to '
                f'{len(outs)}.')
        return tuple(q(f) for q, f in zip(self.quantizers, outs))


__all__ = ['QuantizedNeck']
