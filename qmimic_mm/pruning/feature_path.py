"""The channel graph of an R-FCN detector, found by MMRazor's tracer."""
from collections import OrderedDict
from typing import Dict, List, Tuple

from mmengine.registry import DefaultScope
from mmrazor.models.mutables import MutableChannelUnit
from mmrazor.models.mutators import ChannelMutator
from torch import Tensor, nn

#: Side of the square probe image the tracer runs (stride-16 map of 4 x 4).
TRACE_SIZE = 64


class DetectorFeaturePath(nn.Module):
    """Backbone, neck, RPN head and R-FCN score maps of a detector, as one
    module that ``torch.fx`` can trace.

    MMRazor's ``ChannelAnalyzer`` traces a model to find which layers share
    channels (the "units" of a ``ChannelMutator``); a whole MMDetection
    detector does not trace (data samples, proposal sampling, NMS). Every
    conv of an R-FCN detector lies on this proposal-independent path, so
    tracing it finds every unit of the detector. The modules are the
    detector's own (shared, not copied): names match ``detector``'s, and the
    dynamic ops the mutator swaps in land in the detector.

    Args:
        detector (nn.Module): A two-stage detector whose
            ``roi_head.bbox_head`` has ``forward_score_maps`` (R-FCN).
    """

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        bbox_head = getattr(getattr(detector, 'roi_head', None), 'bbox_head',
                            None)
        if not hasattr(bbox_head, 'forward_score_maps') or not hasattr(
                detector, 'rpn_head'):
            raise ValueError(
                'model.architecture: channel pruning needs an R-FCN detector '
                '(rpn_head and roi_head.bbox_head of type RFCNBBoxHead, e.g. '
                f'configs/rfcn/*.py), got {type(detector).__name__} with '
                f'bbox head {type(bbox_head).__name__}')
        self.backbone = detector.backbone
        if getattr(detector, 'with_neck', False):
            self.neck = detector.neck
        self.rpn_head = detector.rpn_head
        self.roi_head = detector.roi_head

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Every proposal-independent output of the detector."""
        feats = self.backbone(x)
        if hasattr(self, 'neck'):
            feats = self.neck(feats)
        cls_scores, bbox_preds = self.rpn_head(feats)
        cls_maps, reg_maps = self.roi_head.bbox_head.forward_score_maps(
            feats[-1])
        return tuple(cls_scores) + tuple(bbox_preds) + (cls_maps, reg_maps)


def unit_key(unit: MutableChannelUnit) -> str:
    """A unit's name in configs and logs: its first producer's module name
    (e.g. ``backbone.stage5.3.conv``, ``rpn_head.rpn_conv``)."""
    return unit.output_related[0].name


UnitDict = 'OrderedDict[str, MutableChannelUnit]'


def build_channel_mutator(
        detector: nn.Module,
        in_channels: int,
        unit_type: str = 'L1MutableChannelUnit'
) -> Tuple[ChannelMutator, UnitDict]:
    """Trace ``detector`` with MMRazor and make its channels prunable.

    Builds MMRazor's ``ChannelMutator`` with a ``ChannelAnalyzer``
    (``FxTracer``) on :class:`DetectorFeaturePath`; each mutable unit is a
    group of channels that must be pruned together (a conv's outputs, its
    batch norm, and the inputs of every conv reading them: conv5_3 feeds both
    the RPN conv and the R-FCN reduce conv). The detector's convs and norms
    become MMRazor dynamic ops that apply the unit masks.

    Args:
        detector (nn.Module): An R-FCN detector (modified in place).
        in_channels (int): Image channels of the trace probe.
        unit_type (str): MMRazor channel-unit type. Defaults to
            ``'L1MutableChannelUnit'`` (mask-valued choices).

    Returns:
        tuple: The mutator and its mutable units by :func:`unit_key`, in
        forward order (backbone first).
    """
    path = DetectorFeaturePath(detector)
    mutator = ChannelMutator(
        channel_unit_cfg=dict(type=unit_type,
                              default_args=dict(choice_mode='number')),
        parse_cfg=dict(
            type='ChannelAnalyzer',
            demo_input=(1, in_channels, TRACE_SIZE, TRACE_SIZE),
            tracer_type='FxTracer'))
    modes = [m.training for m in detector.modules()]
    detector.eval()
    try:
        with DefaultScope.overwrite_default_scope('mmrazor'):
            mutator.prepare_from_supernet(path)
    finally:
        for module, mode in zip(detector.modules(), modes):
            module.training = mode
    order = {name: i for i, (name, _) in enumerate(detector.named_modules())}
    units = sorted(mutator.mutable_units,
                   key=lambda u: order.get(unit_key(u), len(order)))
    return mutator, OrderedDict((unit_key(u), u) for u in units)


def consumer_convs(
        unit: MutableChannelUnit,
        modules: Dict[str, nn.Module]) -> List[Tuple[str, nn.Conv2d]]:
    """The convs that read a unit's channels as their input channels."""
    found = []
    for channel in unit.input_related:
        module = modules.get(channel.name)
        if isinstance(module, nn.Conv2d) and not channel.is_output_channel:
            if all(name != channel.name for name, _ in found):
                found.append((channel.name, module))
    return found


def producer_convs(
        unit: MutableChannelUnit,
        modules: Dict[str, nn.Module]) -> List[Tuple[str, nn.Conv2d]]:
    """The convs whose output channels are the unit's channels."""
    return [(c.name, modules[c.name]) for c in unit.output_related
            if isinstance(modules.get(c.name), nn.Conv2d)]


__all__ = ['DetectorFeaturePath', 'build_channel_mutator', 'unit_key',
           'consumer_convs', 'producer_convs', 'TRACE_SIZE']
