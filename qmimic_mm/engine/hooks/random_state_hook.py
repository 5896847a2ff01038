"""Random number generator states in checkpoints, so a resumed run draws
what the uninterrupted one would have."""
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

DATA_BATCH = Optional[dict]

#: Top-level checkpoint key of the saved states.
KEY = 'random_states'


def get_random_states() -> dict:
    """The torch (and CUDA) generator states, as tensors (they load with
    ``weights_only=True``)."""
    states = dict(torch=torch.get_rng_state())
    if torch.cuda.is_available():
        states['cuda'] = torch.cuda.get_rng_state_all()
    return states


def set_random_states(states: dict) -> None:
    """Restore what :func:`get_random_states` returned."""
    torch.set_rng_state(states['torch'])
    if 'cuda' in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states['cuda'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Save torch's generator state with every checkpoint; restore it when
    a run resumes from it.

    mmengine's resume restores weights, optimizer, schedule and iteration,
    and replays the data loader up to that iteration, which redraws the
    pipeline's numpy numbers (random flips) and the sampler's own
    generator as the uninterrupted run drew them. It does not restore
    torch's global generator, which the model draws from (the RPN / R-CNN
    samplers' ``torch.randperm``), so a resumed run would sample other
    RoIs. The state is restored right before the first iteration after the
    resume. With ``deterministic=True`` the losses after the resume point
    then equal the uninterrupted run's (as long as the model itself draws
    no numpy / Python random numbers; the project's models draw none).

    Only the main process writes checkpoints, so in a distributed run the
    other processes' states are not saved (they resume from their seeds).
    """

    priority = 'NORMAL'

    def __init__(self) -> None:
        self._pending: Optional[dict] = None
        self._pending_iter = -1

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[KEY] = get_random_states()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if KEY in checkpoint:
            self._pending = checkpoint[KEY]
            self._pending_iter = checkpoint.get('meta', {}).get('iter', -1)

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        if self._pending is None:
            return
        # Only a resume continues at the saved iteration (load_from, a
        # fine-tune, starts at 0 with its own seed).
        if runner.iter == self._pending_iter and runner.world_size == 1:
            set_random_states(self._pending)
        self._pending = None


__all__ = ['RandomStateHook', 'get_random_states', 'set_random_states']
