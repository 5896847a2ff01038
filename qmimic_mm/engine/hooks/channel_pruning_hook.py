"""Runs the pruning baselines' steps that live outside a training step."""
import copy
import itertools
import os.path as osp

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS

from qmimic_mm.utils.atomic_save import atomic_torch_save
from qmimic_mm.utils.errors import InvalidInputError


@HOOKS.register_module()
class ChannelPruningHook(Hook):
    """Prune before finetuning; save the pruned detector after training.

    For the Table 2 pruning baselines (``configs/pruning``):

    * ``before_train``: a :class:`LassoChannelPruneAlgorithm` (He et al.
      2017) that has not pruned yet takes its ``num_batches`` training
      batches and prunes (a resumed run has pruned already); a
      :class:`TaylorPruneAlgorithm` is checked to reach its last pruning
      step within ``train_cfg.max_iters``;
    * ``after_train``: writes ``pruned_iter_<N>.pth`` — an ordinary mmdet
      checkpoint of the narrower detector (no masks, no ``architecture.``
      prefix) — and ``pruned_iter_<N>_config.py``, this run's config with
      ``model`` replaced by the detector that loads it (per-layer
      ``backbone.channels``), into the work dir. Test it with
      ``tools/test.py pruned_iter_<N>_config.py pruned_iter_<N>.pth``.

    Example:
        >>> custom_hooks = [dict(type='ChannelPruningHook')]
    """

    priority = 'LOW'

    @staticmethod
    def _algorithm(runner):
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        return model if hasattr(model, 'export_checkpoint') else None

    def before_train(self, runner) -> None:
        algorithm = self._algorithm(runner)
        if algorithm is None:
            return
        if hasattr(algorithm, 'prune_interval'):
            last = algorithm.prune_interval * algorithm.num_prune_steps
            if last > runner.max_iters:
                raise InvalidInputError(
                    f'model.prune_interval ({algorithm.prune_interval}) x '
                    f'model.num_prune_steps ({algorithm.num_prune_steps}) = '
                    f'{last} iterations, but train_cfg.max_iters is '
                    f'{runner.max_iters}: the last pruning step would never '
                    'run. Shorten the interval or lengthen the schedule.')
        if hasattr(algorithm, 'prune_with_batches') and \
                not algorithm.pruning_finished:
            # A loader of its own: taking batches from the training loader
            # would close the generator its InfiniteSampler shares.
            loader = runner.build_dataloader(
                copy.deepcopy(runner.cfg.train_dataloader), seed=runner.seed)
            batches = list(itertools.islice(loader, algorithm.num_batches))
            runner.logger.info(
                f'channel pruning (He et al.) on {len(batches)} training '
                f'batches, ratio {algorithm.pruning_ratio}')
            algorithm.prune_with_batches(batches)

    def after_train(self, runner) -> None:
        algorithm = self._algorithm(runner)
        if algorithm is None:
            return
        if not algorithm.pruning_finished:
            runner.logger.warning('training ended before pruning finished; '
                                  'the exported model is not at its budget')
        checkpoint, model_cfg = algorithm.export_checkpoint()
        checkpoint['meta'].update(iter=runner.iter)
        path = osp.join(runner.work_dir, f'pruned_iter_{runner.iter}.pth')
        atomic_torch_save(checkpoint, path)
        runner.logger.info(
            f'pruned detector saved to {path} (channels per unit: '
            f'{list(checkpoint["meta"]["kept_channels"].values())})')
        if model_cfg is not None:
            cfg = Config(runner.cfg.to_dict())
            cfg.model = model_cfg
            cfg.load_from = None
            cfg_path = osp.splitext(path)[0] + '_config.py'
            cfg.dump(cfg_path)
            runner.logger.info(f'its config: {cfg_path}')


__all__ = ['ChannelPruningHook']
