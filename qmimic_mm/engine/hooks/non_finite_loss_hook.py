"""Stop a diverged run at once, and never save non-finite weights."""
import os.path as osp
from typing import Dict, List, Optional

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper, OptimWrapperDict
from mmengine.registry import HOOKS

from qmimic_mm.utils.errors import UserInputError

DATA_BATCH = Optional[dict]

#: What usually makes a loss diverge, and the config keys that fix it.
HINT = ('lower the lr (optim_wrapper.optimizer.lr), clip the gradients '
        '(optim_wrapper.clip_grad=dict(max_norm=10)) or lower the loss_weight '
        'of {}')


class NonFiniteError(UserInputError):
    """A loss or a weight became NaN or Inf (reported as one line)."""


def last_good_checkpoint(work_dir: str) -> str:
    """What ``last_checkpoint`` names (written only after a complete save),
    for messages."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            target = f.read().strip()
        if target:
            return target
    return 'none saved yet'


def non_finite_keys(values: Dict[str, torch.Tensor]) -> List[str]:
    """Keys of the floating tensors holding a NaN or an Inf, in order."""
    return [
        key for key, value in values.items()
        if isinstance(value, torch.Tensor) and value.is_floating_point()
        and not bool(torch.isfinite(value).all())
    ]


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop training when a loss turns NaN or Inf; refuse to save a
    checkpoint with non-finite weights.

    After every training iteration the logged losses (detection and mimic
    ones alike: every key of the model's ``log_vars`` with ``loss`` in
    its name) are checked, on every process (a flag is all-reduced, so all
    stop together). A non-finite one stops the run with one line naming the
    loss key, the iteration, the last good checkpoint and a hint. The hook
    runs before :class:`~mmengine.hooks.CheckpointHook` (priority), so the
    iteration that diverged is never saved; and every checkpoint's
    ``state_dict`` is checked before it is written
    (``before_save_checkpoint``), so none with NaN/Inf weights is written.

    With ``AmpOptimWrapper`` (``--amp``) a non-finite loss or gradient is
    what the loss scaler handles: it skips the step and halves the scale.
    The hook then does not stop; it counts the skipped steps and logs them
    as ``amp_skipped_steps``.

    Example:
        >>> default_hooks = dict(non_finite=dict(type='NonFiniteLossHook'))
    """

    # Before CheckpointHook (VERY_LOW) and after LoggerHook (BELOW_NORMAL),
    # so the diverged iteration is logged but never saved.
    priority = 'LOW'

    def __init__(self) -> None:
        self.amp_skipped_steps = 0
        self._scale_before: Optional[float] = None

    @staticmethod
    def _amp_wrappers(runner) -> List[AmpOptimWrapper]:
        wrapper = runner.optim_wrapper
        wrappers = (list(wrapper.values()) if isinstance(
            wrapper, OptimWrapperDict) else [wrapper])
        return [w for w in wrappers if isinstance(w, AmpOptimWrapper)]

    def _amp_scale(self, runner) -> Optional[float]:
        wrappers = self._amp_wrappers(runner)
        return (sum(float(w.loss_scaler.get_scale()) for w in wrappers)
                if wrappers else None)

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        self._scale_before = self._amp_scale(runner)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        if self._scale_before is not None:
            # The scaler lowers its scale exactly when it skipped a step.
            if self._amp_scale(runner) < self._scale_before:
                self.amp_skipped_steps += 1
            runner.message_hub.update_scalar('train/amp_skipped_steps',
                                             self.amp_skipped_steps)
            return
        losses = {key: value for key, value in (outputs or {}).items()
                  if 'loss' in key}
        bad = non_finite_keys(losses)
        if get_world_size() > 1:  # stop on every process, or none
            flag = torch.tensor(float(bool(bad)))
            all_reduce(flag, op='max')
            if flag.item() and not bad:
                raise NonFiniteError(
                    f'a loss became NaN/Inf on another process at iteration '
                    f'{runner.iter + 1}; see its log')
        if not bad:
            return
        # The total 'loss' is non-finite whenever a part is: name the part.
        key = next((k for k in bad if k != 'loss'), bad[0])
        raise NonFiniteError(
            f'loss {key} = {float(losses[key]):g} at iteration '
            f'{runner.iter + 1}: training stopped (last good checkpoint: '
            f'{last_good_checkpoint(runner.work_dir)}); '
            f'{HINT.format("that loss")}')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        bad = non_finite_keys(checkpoint.get('state_dict', {}))
        if bad:
            raise NonFiniteError(
                'refusing to save a checkpoint at iteration '
                f'{runner.iter + 1}: {len(bad)} tensors of the model hold '
                f'NaN/Inf (first: {bad[0]}); last good checkpoint: '
                f'{last_good_checkpoint(runner.work_dir)}; '
                f'{HINT.format("the loss that grew")}')


__all__ = ['NonFiniteLossHook', 'NonFiniteError']
