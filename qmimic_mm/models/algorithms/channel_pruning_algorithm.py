"""Base of the pruning baselines: a detector with MMRazor channel masks."""
from typing import Any, Dict, Mapping, Optional, Tuple, Union

import torch
from mmengine.config import ConfigDict
from mmengine.model import BaseModel
from mmrazor.models.algorithms import BaseAlgorithm
from torch import nn

from qmimic_mm.pruning import (build_channel_mutator, channel_targets,
                               consumer_convs, pruned_model_cfg,
                               to_static_detector)
from qmimic_mm.utils.config_paths import load_detector_cfg
from qmimic_mm.utils.errors import InvalidInputError
from .checkpoint_fit import read_state_dict, state_mismatch


class ChannelPruningAlgorithm(BaseAlgorithm):
    """A detector whose channels are pruned through MMRazor masks.

    The skeleton the two Table 2 baselines of Wei et al. (ECCV 2018, Sec.
    4.1: "pruning ratio 8, ... the same size with VGG-1-32") share:
    MMRazor's ``ChannelMutator`` finds the pruning units of the R-FCN
    detector (:func:`~qmimic_mm.pruning.build_channel_mutator`) and swaps its
    convs / norms for dynamic ops that apply the unit masks, so the masked
    detector trains, validates and tests through the usual loops; the
    per-unit targets come from ``pruning_ratio``
    (:func:`~qmimic_mm.pruning.channel_targets`, checked at build time);
    :meth:`export` gives the ordinary narrower mmdet detector and its config
    (``ChannelPruningHook`` saves them after training). Subclasses choose the
    channels: :class:`TaylorPruneAlgorithm` (Molchanov et al. 2017) and
    :class:`LassoChannelPruneAlgorithm` (He et al. 2017).

    Args:
        architecture (dict): The detector to prune; ``dict(cfg_path=...)``
            accepted (see :func:`load_detector_cfg`).
        pruning_ratio (float): Channels before / after in every unit.
            Defaults to 8.
        keep_channels (dict, optional): Channels kept per unit name (e.g.
            ``{'rpn_head.rpn_conv': 24}``), overriding the ratio.
        init_ckpt (str, optional): Checkpoint of the unpruned detector,
            loaded strictly before pruning. Defaults to None.
        data_preprocessor (dict, optional): Defaults to the detector's.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 architecture: Union[Dict, BaseModel],
                 pruning_ratio: float = 8.0,
                 keep_channels: Optional[Mapping[str, int]] = None,
                 init_ckpt: Optional[str] = None,
                 data_preprocessor: Optional[Union[Dict, nn.Module]] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        architecture = load_detector_cfg(architecture, 'model.architecture')
        self.architecture_cfg = (ConfigDict(architecture) if isinstance(
            architecture, dict) else None)
        super().__init__(architecture, data_preprocessor, init_cfg)
        if init_ckpt:
            self._load_init_ckpt(init_ckpt)
        mean = getattr(self.architecture.data_preprocessor, 'mean', None)
        in_channels = 3 if mean is None else int(mean.numel())
        self.mutator, self.units = build_channel_mutator(
            self.architecture, in_channels)
        self.unit_channels = {k: u.num_channels for k, u in self.units.items()}
        self.targets = channel_targets(self.unit_channels, pruning_ratio,
                                       keep_channels)
        self.pruning_ratio = pruning_ratio
        modules = dict(self.architecture.named_modules())
        self.readers = {
            name: [conv for _, conv in consumer_convs(unit, modules)]
            for name, unit in self.units.items()
        }

    def _load_init_ckpt(self, path: str) -> None:
        """Strict, safe loading of the unpruned detector's weights."""
        state = read_state_dict(
            path, 'model.init_ckpt',
            'Train the unpruned detector first (tools/train.py <its config>) '
            'and point `init_ckpt` at its checkpoint.')
        mismatch = state_mismatch(self.architecture.state_dict(), state)
        if mismatch:
            raise InvalidInputError(
                f'model.init_ckpt: {path} does not fit model.architecture '
                f'({mismatch}). Point `init_ckpt` at a checkpoint of the '
                'unpruned detector config.')
        self.architecture.load_state_dict(state)
        self.architecture._is_init = True

    # state
    def current_widths(self) -> Dict[str, int]:
        """Channels each unit keeps now."""
        return {
            k: int(u.mutable_channel.current_mask.sum())
            for k, u in self.units.items()
        }

    def set_unit_mask(self, name: str, mask: torch.Tensor) -> None:
        """Keep the channels of unit ``name`` where ``mask`` is True."""
        unit = self.units[name]
        if mask.numel() != unit.num_channels or not mask.any():
            raise ValueError(f'{name}: mask of {mask.numel()} entries with '
                             f'{int(mask.sum())} kept; the unit has '
                             f'{unit.num_channels} channels')
        unit.mutable_channel.current_choice = mask.bool()

    # export
    def export(self) -> Tuple[nn.Module, Optional[ConfigDict]]:
        """The pruned detector as plain mmdet modules, and its ``model``
        config (None if the architecture was given as a module)."""
        static = to_static_detector(self.architecture)
        cfg = (pruned_model_cfg(self.architecture_cfg, static)
               if self.architecture_cfg is not None else None)
        return static, cfg

    def export_checkpoint(self) -> Tuple[Dict[str, Any], Optional[ConfigDict]]:
        """An ordinary mmdet checkpoint dict of the pruned detector."""
        static, cfg = self.export()
        meta = dict(
            pruned_by=type(self).__name__,
            pruning_ratio=self.pruning_ratio,
            unit_channels=dict(self.unit_channels),
            kept_channels=self.current_widths())
        return dict(meta=meta, state_dict=static.state_dict()), cfg


__all__ = ['ChannelPruningAlgorithm']
