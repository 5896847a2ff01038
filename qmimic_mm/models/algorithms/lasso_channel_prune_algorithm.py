"""He et al.'s channel pruning (LASSO + least squares), then finetuning."""
from typing import Dict, List, Sequence, Union

import torch
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper
from mmrazor.registry import MODELS

from qmimic_mm.pruning import ReconstructionChannelPruner
from qmimic_mm.utils.errors import InvalidInputError
from .channel_pruning_algorithm import ChannelPruningAlgorithm


@MODELS.register_module()
class LassoChannelPruneAlgorithm(ChannelPruningAlgorithm):
    """Prune once by LASSO channel selection and least-squares
    reconstruction, then finetune.

    He, Zhang, Sun, "Channel Pruning for Accelerating Very Deep Neural
    Networks" (ICCV 2017), Eq. 2-3, whole-model pruning (Sec. 3.2), by
    :class:`~qmimic_mm.pruning.ReconstructionChannelPruner`: before the
    first training iteration ``ChannelPruningHook`` feeds it
    ``num_batches`` training batches; every unit, in forward order, keeps
    the channels the LASSO selects and the next layers are refitted by
    least squares against the original network. The training schedule is
    then the finetune (the paper finetunes after pruning).

    Args:
        architecture (dict): The detector to prune.
        num_batches (int): Training batches sampled for the regressions.
            Defaults to 16.
        num_points (int): Sampled positions per image and layer (the
            paper's 10). Defaults to 10.
        max_rows (int): Cap on LASSO rows per next layer. Defaults to
            50000.
        seed (int): Seed of the point sampling. Defaults to 0.
        **kwargs: See :class:`ChannelPruningAlgorithm`.

    Example:
        >>> model = dict(_scope_='mmrazor', type='LassoChannelPruneAlgorithm',
        ...              architecture=dict(cfg_path='rfcn/x.py'))
    """

    def __init__(self,
                 architecture: Union[Dict, torch.nn.Module],
                 num_batches: int = 16,
                 num_points: int = 10,
                 max_rows: int = 50000,
                 seed: int = 0,
                 **kwargs) -> None:
        super().__init__(architecture, **kwargs)
        if num_batches < 1 or num_points < 1:
            raise InvalidInputError(
                f'model.num_batches ({num_batches}) and model.num_points '
                f'({num_points}) must be >= 1')
        self.num_batches = num_batches
        self.pruner = ReconstructionChannelPruner(
            self.architecture, self.units, num_points=num_points,
            max_rows=max_rows, seed=seed)
        self.register_buffer('pruning_done', torch.tensor(0))

    @property
    def pruning_finished(self) -> bool:
        """The one-shot pruning has run (also after --resume)."""
        return bool(self.pruning_done)

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapper) -> Dict[str, torch.Tensor]:
        """A finetuning iteration; refused before the pruning ran."""
        if not self.pruning_finished:
            raise InvalidInputError(
                'LassoChannelPruneAlgorithm: training started before the '
                'channel pruning ran; add custom_hooks = '
                "[dict(type='ChannelPruningHook')] to the config (the "
                'configs/_base_/pruning/rfcn_vgg1-4_to_vgg1-32.py has it)')
        return super().train_step(data, optim_wrapper)

    def prune_with_batches(self, batches: Sequence[dict]) -> Dict[str, dict]:
        """Prune every unit with the images of ``batches`` (dataloader
        batches, preprocessed here)."""
        images: List[torch.Tensor] = []
        with torch.no_grad():
            for batch in batches:
                images.append(self.data_preprocessor(batch, False)['inputs'])
        report = self.pruner.prune(
            images, self.targets,
            log=lambda line: print_log(f'channel pruning: {line}',
                                       logger='current'))
        self.pruning_done.fill_(1)
        return report


__all__ = ['LassoChannelPruneAlgorithm']
