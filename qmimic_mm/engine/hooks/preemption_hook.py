"""Preemption: checkpoint at the end of the iteration, exit with a code the
job script requeues on."""
import os
import os.path as osp
import signal
from typing import Dict, Optional, Sequence

import torch
from mmengine.dist import all_reduce, barrier, get_world_size, is_main_process
from mmengine.hooks import CheckpointHook, Hook
from mmengine.registry import HOOKS

from qmimic_mm.utils.atomic_save import atomic_write_text

DATA_BATCH = Optional[dict]

#: Exit status of a run stopped by a preemption signal after saving its
#: checkpoint: 75 is EX_TEMPFAIL of sysexits.h ("try again later").
#: Distinct from 0 (done), 1 (a crash), 2 (a one-line user error), 124
#: (``timeout``) and 128 + N (killed by signal N, e.g. 143 for SIGTERM).
#: ``tools/slurm_train.sh`` requeues the job on it.
PREEMPTED_EXIT_CODE = 75

#: Written to the work dir (naming the checkpoint) when a run stops on a
#: preemption signal; removed when training starts again. A job script can
#: requeue on it even when the launcher reports another status (srun's
#: ``--kill-on-bad-exit`` may SIGKILL the last processes while they exit).
PREEMPTED_MARKER = 'preempted'


#: Whether a PreemptionHook's handlers are installed in this process (read
#: in forked children, see :func:`_reset_in_child`).
_installed = False


def _reset_in_child() -> None:
    """In a process forked while the handlers are installed: SIGTERM back
    to its default, so that ``Pool.terminate`` (mmdet's VOC metric) and
    DataLoader shutdown still end their workers; SIGUSR1 ignored, so that
    data loader workers outlive Slurm's ``--signal=USR1``, which reaches
    every process of the job step, until the main process has saved."""
    global _installed
    if _installed:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        _installed = False


os.register_at_fork(after_in_child=_reset_in_child)


class _Flag:
    """The signal received, set by the handler (it only stores a name).

    Outside the training loop (building the runner, ``tools/test.py``,
    after the last iteration) there is no iteration to finish: the signal
    then gets its default action, as if no handler were installed.
    """

    def __init__(self) -> None:
        self.signal_name: Optional[str] = None
        self.training = False

    def __call__(self, signum: int, frame) -> None:
        if not self.training:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        self.signal_name = signal.Signals(signum).name


@HOOKS.register_module()
class PreemptionHook(Hook):
    """Save a checkpoint and exit with :data:`PREEMPTED_EXIT_CODE` when the
    process gets SIGTERM or SIGUSR1.

    A cluster scheduler sends SIGTERM (Slurm: or the signal of
    ``--signal``) some time before it kills a preempted job. The handler
    only notes the signal; at the end of the current training iteration
    the hook saves that iteration's checkpoint through the run's
    checkpoint hook (atomically, ``last_checkpoint`` included) and exits.
    ``--resume`` then continues at the next iteration: mmengine restores
    the iteration count, optimizer and lr schedule, and the quantizer
    scales are buffers of the model's state dict. In a distributed run the
    flag is all-reduced every iteration, so every process stops at the
    same one.

    The handlers are installed when the hook is built, i.e. when the
    runner is, before the training data loader forks its workers. A
    process forked meanwhile gets SIGTERM's default action back and
    ignores SIGUSR1: Slurm's ``--signal=USR1@<seconds>`` reaches every
    process of the job step, and the data loader workers must outlive it
    until the main process has saved (with Slurm prefer SIGUSR1; a SIGTERM
    sent to every process also ends the workers). The previous handlers
    are restored after the run.

    Args:
        signals (sequence of str): Signal names to handle. Defaults to
            ``('SIGTERM', 'SIGUSR1')``.

    Example:
        >>> default_hooks = dict(preemption=dict(type='PreemptionHook'))
    """

    # After CheckpointHook (VERY_LOW): if it saved this iteration already,
    # nothing is saved twice.
    priority = 'LOWEST'

    def __init__(self, signals: Sequence[str] = ('SIGTERM', 'SIGUSR1')
                 ) -> None:
        global _installed
        self.flag = _Flag()
        self._previous: Dict[signal.Signals, object] = {}
        for name in signals:
            signum = signal.Signals[name]
            try:
                self._previous[signum] = signal.signal(signum, self.flag)
            except ValueError:  # not the main thread: leave signals alone
                break
        _installed = bool(self._previous)

    def before_train(self, runner) -> None:
        marker = osp.join(runner.work_dir, PREEMPTED_MARKER)
        if is_main_process() and osp.isfile(marker):
            os.remove(marker)
        self.flag.training = True

    def after_train(self, runner) -> None:
        self.flag.training = False

    def _requested(self) -> bool:
        requested = self.flag.signal_name is not None
        if get_world_size() > 1:
            flag = torch.tensor(float(requested))
            all_reduce(flag, op='max')
            requested = bool(flag.item())
        return requested

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        if not self._requested():
            return
        step = runner.iter + 1
        if step >= runner.max_iters:  # done: finish (and save) as usual
            return
        hook = next((h for h in runner.hooks if isinstance(h, CheckpointHook)),
                    None)
        if hook is None:
            runner.logger.error(
                f'preempted ({self.flag.signal_name or "on another process"})'
                f' at iteration {step}; no checkpoint hook, nothing saved')
            raise SystemExit(PREEMPTED_EXIT_CODE)
        name = hook.filename_tmpl.format(step)
        if osp.basename(hook.last_ckpt or '') != name:  # not saved just now
            hook._save_checkpoint(runner)
        if is_main_process():
            atomic_write_text(osp.join(runner.work_dir, PREEMPTED_MARKER),
                              f'{hook.last_ckpt}\n')
        barrier()  # no process exits (and gets its step killed) mid-save
        runner.logger.warning(
            f'preempted ({self.flag.signal_name or "on another process"}): '
            f'saved {hook.last_ckpt} at iteration {step}; exiting with code '
            f'{PREEMPTED_EXIT_CODE}. Continue with tools/train.py ... '
            '--resume')
        raise SystemExit(PREEMPTED_EXIT_CODE)

    def after_run(self, runner) -> None:
        global _installed
        _installed = False
        for signum, handler in self._previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else
                          handler)
        self._previous = {}


__all__ = ['PREEMPTED_EXIT_CODE', 'PREEMPTED_MARKER', 'PreemptionHook']
