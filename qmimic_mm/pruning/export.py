"""A masked (MMRazor) detector as an ordinary, narrower mmdet detector."""
import copy
from typing import Any, Dict

from mmengine.config import Config, ConfigDict
from mmrazor.structures.subnet.fix_subnet import _dynamic_to_static
from torch import nn


def to_static_detector(detector: nn.Module) -> nn.Module:
    """A copy of ``detector`` whose MMRazor dynamic ops are plain layers of
    the pruned widths (MMRazor's ``to_static_op`` slices the weights)."""
    static = copy.deepcopy(detector)
    _dynamic_to_static(static)
    return static


def pruned_widths(static: nn.Module) -> Dict[str, Any]:
    """The ``model`` settings that build ``static``'s architecture.

    For a ``WidthScaledVGG`` R-FCN: the 13 conv widths as
    ``backbone.channels``, the RPN conv width as ``rpn_head.feat_channels``
    and the R-FCN reduce conv's as ``roi_head.bbox_head.feat_channels``
    (plus the ``in_channels`` that follow from conv5_3).
    """
    backbone = static.backbone
    if type(backbone).__name__ != 'WidthScaledVGG' or \
            backbone.conv_type != 'standard':
        raise ValueError('export of pruned widths supports a standard '
                         'WidthScaledVGG backbone, got '
                         f'{type(backbone).__name__}')
    convs = [m.conv.out_channels for name in backbone.stage_names
             for m in getattr(backbone, name) if hasattr(m, 'conv')]
    last = convs[-1]
    bbox_head = static.roi_head.bbox_head
    head: Dict[str, Any] = dict(in_channels=last)
    if bbox_head.reduce_conv is not None:
        head['feat_channels'] = bbox_head.reduce_conv[0].out_channels
    return dict(
        backbone=dict(channels=convs),
        rpn_head=dict(in_channels=last,
                      feat_channels=static.rpn_head.rpn_conv.out_channels),
        roi_head=dict(bbox_head=head))


def pruned_model_cfg(architecture: Dict[str, Any],
                     static: nn.Module) -> ConfigDict:
    """``architecture`` (the unpruned detector's ``model`` config) with the
    widths of :func:`pruned_widths` merged in."""
    base = architecture.to_dict() if isinstance(
        architecture, ConfigDict) else copy.deepcopy(dict(architecture))
    cfg = ConfigDict(Config._merge_a_into_b(pruned_widths(static), base))
    cfg.backbone.pop('width_divisor', None)
    return cfg


__all__ = ['to_static_detector', 'pruned_widths', 'pruned_model_cfg']
