"""mmengine's CheckpointHook with checkpoints that cannot be half-written."""
import glob
import os
import os.path as osp
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook
from mmengine.registry import HOOKS

from qmimic_mm.utils.atomic_save import (TMP_SUFFIX, atomic_write_text,
                                         publish, temporary_name)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """:class:`~mmengine.hooks.CheckpointHook`, saving atomically.

    Three changes, for local ``out_dir`` (other back ends keep mmengine's
    behaviour):

    * ``runner.save_checkpoint`` writes to a temporary name in the same
      folder; the file is synced and renamed into place
      (:mod:`qmimic_mm.utils.atomic_save`), so an interrupted save leaves
      no ``iter_<n>.pth`` at all, never a truncated one;
    * ``last_checkpoint`` is (atomically) rewritten only after that rename;
    * the checkpoint beyond ``max_keep_ckpts`` is deleted after the new one
      is in place, not before (mmengine deletes first, so with
      ``max_keep_ckpts=1`` an interrupted save left no checkpoint).

    Temporary files of a writer that died (``kill -9`` during a save) are
    removed before training.

    Args: as :class:`~mmengine.hooks.CheckpointHook`.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if self._local() and is_main_process():
            pattern = osp.join(self.out_dir, f'.*.pth.*{TMP_SUFFIX}')
            for stale in glob.glob(pattern):
                runner.logger.warning(
                    f'removing {stale}, a checkpoint whose save was '
                    'interrupted')
                os.remove(stale)

    def _local(self) -> bool:
        return isinstance(self.file_backend, LocalBackend)

    def _save_checkpoint_with_step(self, runner, step: int,
                                   meta: dict) -> None:
        if not self._local():
            return super()._save_checkpoint_with_step(runner, step, meta)
        # The id list (saved in the message hub, so a resumed run keeps
        # counting) is updated before the save, as mmengine does; the file
        # it drops is deleted only once the new one is in place.
        outdated: Optional[int] = None
        if self.max_keep_ckpts > 0 and not (
                self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))

        filename = self.filename_tmpl.format(step)
        path = self.file_backend.join_path(self.out_dir, filename)
        self.last_ckpt = path
        runner.message_hub.update_info('last_ckpt', path)

        tmp = temporary_name(path)
        try:
            # master_only inside: only the main process writes the file
            runner.save_checkpoint(
                self.out_dir,
                osp.basename(tmp),
                self.file_client_args,
                save_optimizer=self.save_optimizer,
                save_param_scheduler=self.save_param_scheduler,
                meta=meta,
                by_epoch=self.by_epoch,
                backend_args=self.backend_args,
                **self.args)
            if not is_main_process():
                return
            publish(tmp, path)
        finally:
            if osp.lexists(tmp):
                os.remove(tmp)
        atomic_write_text(osp.join(runner.work_dir, 'last_checkpoint'), path)
        if outdated is not None:
            old = self.file_backend.join_path(
                self.out_dir, self.filename_tmpl.format(outdated))
            if osp.isfile(old):
                os.remove(old)


__all__ = ['AtomicCheckpointHook']
