"""Molchanov et al.'s iterative Taylor pruning while finetuning."""
from typing import Dict, Union

import torch
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper
from mmrazor.registry import MODELS

from qmimic_mm.pruning import TaylorCriterion, step_targets
from qmimic_mm.utils.errors import InvalidInputError
from .channel_pruning_algorithm import ChannelPruningAlgorithm


@MODELS.register_module()
class TaylorPruneAlgorithm(ChannelPruningAlgorithm):
    """Prune by the first-order Taylor criterion, finetuning in between.

    Molchanov, Tyree, Karras, Aila, Kautz, "Pruning Convolutional Neural
    Networks for Resource Efficient Inference" (ICLR 2017), Sec. 2: train
    (finetune) the network; every ``prune_interval`` iterations rank the
    channels by the criterion accumulated over those iterations
    (:class:`~qmimic_mm.pruning.TaylorCriterion`, Eq. 8, ``|mean(z *
    dC/dz)|``, L2-normalised per layer) and remove the lowest; repeat for
    ``num_prune_steps`` steps, then keep finetuning until the schedule ends.

    The paper removes one channel per step and ranks globally across
    layers; here each step removes, in every unit, the same fraction of the
    channels left (:func:`~qmimic_mm.pruning.step_targets`) so the last step
    lands exactly on the ``pruning_ratio`` widths, the VGG-1-32 budget of
    Wei et al.'s Table 2. The Taylor ranking picks which channels go.

    Args:
        architecture (dict): The detector to prune.
        prune_interval (int): Iterations between pruning steps (criterion
            accumulated over them). Defaults to 100.
        num_prune_steps (int): Pruning steps. Defaults to 8.
        **kwargs: See :class:`ChannelPruningAlgorithm` (``pruning_ratio``,
            ``keep_channels``, ``init_ckpt`` ...).

    Example:
        >>> model = dict(_scope_='mmrazor', type='TaylorPruneAlgorithm',
        ...              architecture=dict(cfg_path='rfcn/x.py'))
    """

    def __init__(self,
                 architecture: Union[Dict, torch.nn.Module],
                 prune_interval: int = 100,
                 num_prune_steps: int = 8,
                 **kwargs) -> None:
        super().__init__(architecture, **kwargs)
        if prune_interval < 1 or num_prune_steps < 1:
            raise InvalidInputError(
                f'model.prune_interval ({prune_interval}) and '
                f'model.num_prune_steps ({num_prune_steps}) must be >= 1')
        self.prune_interval = prune_interval
        self.num_prune_steps = num_prune_steps
        self.criterion = TaylorCriterion(
            self.readers, {
                name: (lambda u=unit: u.mutable_channel.current_mask)
                for name, unit in self.units.items()
            })
        # saved with the checkpoint, so --resume goes on where it stopped
        self.register_buffer('train_iters', torch.tensor(0))
        self.register_buffer('prune_steps_done', torch.tensor(0))

    @property
    def pruning_finished(self) -> bool:
        """All pruning steps are done (finetuning only from now on)."""
        return int(self.prune_steps_done) >= self.num_prune_steps

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapper) -> Dict[str, torch.Tensor]:
        """One finetuning iteration; record the criterion; prune on time."""
        if self.pruning_finished:
            return super().train_step(data, optim_wrapper)
        with self.criterion:
            log_vars = super().train_step(data, optim_wrapper)
        self.train_iters += 1
        if int(self.train_iters) % self.prune_interval == 0:
            self.prune_step()
        return log_vars

    @torch.no_grad()
    def prune_step(self) -> Dict[str, int]:
        """Remove the lowest-Taylor channels down to the next step's
        widths; returns them."""
        step = int(self.prune_steps_done) + 1
        widths = step_targets(self.unit_channels, self.targets, step,
                              self.num_prune_steps)
        scores = self.criterion.scores()
        for name, unit in self.units.items():
            mask = unit.mutable_channel.current_mask.clone()
            score = scores.get(name)
            if score is None:  # no gradient reached it: keep the first
                score = torch.zeros(unit.num_channels, dtype=torch.double)
            score = score.to(mask.device).masked_fill(~mask, float('-inf'))
            keep = torch.topk(score, widths[name]).indices
            new_mask = torch.zeros_like(mask)
            new_mask[keep] = True
            self.set_unit_mask(name, new_mask)
        self.criterion.reset()
        self.prune_steps_done += 1
        print_log(
            f'Taylor pruning step {step}/{self.num_prune_steps} at '
            f'iteration {int(self.train_iters)}: channels per unit '
            f'{list(self.current_widths().values())}', logger='current')
        return widths


__all__ = ['TaylorPruneAlgorithm']
