"""Linear warm-up of the distillation loss weights (lambda of Eq. 4)."""
from typing import Dict, Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS

DATA_BATCH = Optional[dict]


@HOOKS.register_module()
class DistillLossWarmupHook(Hook):
    """Ramp every distillation loss weight linearly from 0 over
    ``warmup_iters``.

    At iteration ``i`` each loss of ``model.distiller.distill_losses`` uses
    ``lambda_i = lambda * min(1, i / warmup_iters)`` (``lambda`` its
    configured ``loss_weight``): 0 at the first iteration, half at
    ``warmup_iters / 2``, the full weight from ``warmup_iters`` on. A
    randomly initialised student's adapted map is far from the teacher's, so
    the mimic term (Eq. 5/6) would otherwise dominate the first updates of
    Eq. 4 while the detection losses are still finding their footing.
    The weight is computed from the iteration alone, so it resumes
    correctly, and it is logged as ``distill_weight``.

    Args:
        warmup_iters (int): Length of the ramp in iterations, >= 1; at most
            ``train_cfg.max_iters`` (checked before training starts).

    Example:
        >>> custom_hooks = [dict(type='DistillLossWarmupHook',
        ...                      warmup_iters=500)]
    """

    priority = 'NORMAL'

    def __init__(self, warmup_iters: int) -> None:
        if not (isinstance(warmup_iters, int) and warmup_iters >= 1):
            raise ValueError(
                'DistillLossWarmupHook: warmup_iters must be an integer '
                f'>= 1, got {warmup_iters!r}. Set the hook\'s '
                '`warmup_iters` in `custom_hooks`, or remove the hook for no '
                'warm-up.')
        self.warmup_iters = warmup_iters
        self._base_weights: Dict[str, float] = {}

    @staticmethod
    def _losses(runner) -> dict:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        distiller = getattr(model, 'distiller', None)
        losses = getattr(distiller, 'distill_losses', None)
        if losses is None:
            raise ValueError(
                'DistillLossWarmupHook: the model has no '
                '`distiller.distill_losses`; this hook belongs in a '
                'distillation config (remove it from `custom_hooks` here).')
        return {name: loss for name, loss in losses.items()
                if hasattr(loss, 'loss_weight')}

    def before_train(self, runner) -> None:
        max_iters = runner.max_iters
        if self.warmup_iters > max_iters:
            raise ValueError(
                f'DistillLossWarmupHook: warmup_iters={self.warmup_iters} is '
                f'longer than the schedule (train_cfg.max_iters={max_iters}). '
                'Set `warmup_iters` in custom_hooks to at most max_iters.')
        self._base_weights = {
            name: float(loss.loss_weight)
            for name, loss in self._losses(runner).items()
        }

    def factor(self, iteration: int) -> float:
        """The share of the full weight at ``iteration`` (0-based)."""
        return min(1.0, iteration / self.warmup_iters)

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        factor = self.factor(runner.iter)
        for name, loss in self._losses(runner).items():
            loss.loss_weight = self._base_weights[name] * factor
        runner.message_hub.update_scalar('train/distill_weight', factor)

    def after_train(self, runner) -> None:
        # Leave the configured weights on the model (a later val/test or a
        # saved model should not keep a warm-up value).
        for name, loss in self._losses(runner).items():
            loss.loss_weight = self._base_weights.get(name, loss.loss_weight)
