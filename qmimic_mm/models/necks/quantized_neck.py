"""A detector neck whose outputs are quantized, one quantizer per level."""
import copy
from typing import Dict, Sequence, Tuple, Type

import torch
from mmdet.registry import MODELS
from torch import nn


class QuantizedNeck:
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

    The built module *is* the configured neck (a subclass of its type, with
    a ``quantizers`` list added), so its parameters keep the neck's names:
    the fp detector's checkpoint loads into the quantized one as it is
    (``load_from`` of the finetune, ``teacher_ckpt`` of a distillation), and
    only the quantizers' scales are new.

    Args (of the config):
        neck (dict): The mmdet neck, e.g. ``dict(type='CSPNeXtPAFPN', ...)``.
        quantizer (dict): Config of each level's quantizer, e.g.
            ``dict(type='UniformQuantizer', levels=40)``.
        num_levels (int): Number of outputs of ``neck``.

    Example:
        >>> neck = dict(type='QuantizedNeck', num_levels=3,
        ...             neck=dict(type='CSPNeXtPAFPN', ...),
        ...             quantizer=dict(type='UniformQuantizer', levels=40))
    """

    quantizers: nn.ModuleList

    def __init__(self, *args, quantizer: dict, quantized_levels: int,
                 **kwargs) -> None:
        if not (isinstance(quantized_levels, int) and quantized_levels >= 1):
            raise ValueError(
                f'QuantizedNeck: num_levels must be an integer >= 1, got '
                f'{quantized_levels!r}; set it to the number of maps the '
                'inner neck returns.')
        super().__init__(*args, **kwargs)
        self.quantizers = nn.ModuleList(
            MODELS.build(copy.deepcopy(quantizer))
            for _ in range(quantized_levels))
        for level, q in enumerate(self.quantizers):
            q.calib_source = f'level {level} of the detector\'s neck output'

    def forward(self, inputs: Sequence[torch.Tensor]
                ) -> Tuple[torch.Tensor, ...]:
        outs = super().forward(inputs)  # type: ignore[misc]
        if len(outs) != len(self.quantizers):
            raise ValueError(
                f'QuantizedNeck: the inner neck returned {len(outs)} maps but '
                f'num_levels={len(self.quantizers)}; set `num_levels` to '
                f'{len(outs)}.')
        return tuple(q(f) for q, f in zip(self.quantizers, outs))


_CLASSES: Dict[type, Type] = {}


def quantized_neck_class(neck_class: type) -> Type:
    """The quantized subclass of an mmdet neck class (one per class)."""
    if neck_class not in _CLASSES:
        _CLASSES[neck_class] = type(f'Quantized{neck_class.__name__}',
                                    (QuantizedNeck, neck_class), {})
    return _CLASSES[neck_class]


@MODELS.register_module(name='QuantizedNeck')
def build_quantized_neck(neck: dict, quantizer: dict,
                         num_levels: int) -> nn.Module:
    """Build ``neck`` as a :class:`QuantizedNeck` (see there)."""
    neck = dict(neck)
    neck_type = neck.pop('type')
    neck_class = MODELS.get(neck_type) if isinstance(neck_type,
                                                     str) else neck_type
    if neck_class is None:
        raise KeyError(f'QuantizedNeck: neck type {neck_type!r} is not a '
                       'registered mmdet module')
    return quantized_neck_class(neck_class)(
        quantizer=quantizer, quantized_levels=num_levels, **neck)


__all__ = ['QuantizedNeck', 'build_quantized_neck', 'quantized_neck_class']
