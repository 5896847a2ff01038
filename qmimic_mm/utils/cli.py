"""Checks the command-line tools run before anything is built or written.

Each check raises :class:`UserInputError` with one line naming the path or
config key and the fix; ``tools/*.py`` print it and exit with status 2, so a
typo never leaves a half-written work dir or a traceback from deep inside
torch.
"""
import difflib
import os.path as osp
import zipfile
from typing import Any, Dict, Iterator, List, Optional, Tuple

from mmengine.config import Config, ConfigDict

from .config_paths import resolve_config_path
from .errors import (CheckpointReadError, FileInputError,  # noqa: F401
                     UserInputError, report_user_errors)


def load_config(path: str) -> Config:
    """Load a config file, with a one-line error if it is missing.

    ``'qmimic_mm::qmimic/x.py'`` names a config of the project (source tree
    or installed package), see :func:`resolve_config_path`.
    """
    if '::' in path:
        try:
            path = resolve_config_path(path, 'CONFIG')
        except (FileNotFoundError, ValueError) as error:
            raise UserInputError(str(error)) from None
    elif not osp.isfile(path):
        raise UserInputError(f'config file not found: {path}')
    return Config.fromfile(path)


def _flatten_keys(node: Any, prefix: str = '') -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            path = f'{prefix}.{key}' if prefix else str(key)
            yield path
            yield from _flatten_keys(value, path)
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            path = f'{prefix}.{index}'
            yield path
            yield from _flatten_keys(value, path)


def _lookup(node: Any, parts: List[str]) -> Tuple[bool, Any]:
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif (isinstance(node, (list, tuple)) and part.isdigit()
              and int(part) < len(node)):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def _extends_constructor(tree: dict, parts: List[str]) -> bool:
    """Whether ``parts`` adds keys below an existing constructor dict."""
    for depth in range(len(parts) - 1, 0, -1):
        exists, node = _lookup(tree, parts[:depth])
        if exists:
            return isinstance(node, dict) and (
                'cfg_path' in node
                or ('type' in node and depth == len(parts) - 1))
    return False


def check_cfg_options(cfg: Config, options: Optional[Dict[str, Any]]) -> None:
    """Refuse ``--cfg-options`` keys that do not exist in the config.

    A key may be new only under a constructor dict (one with a ``type``,
    e.g. ``model.backbone.frozen_stages=1``) or under a model given by
    ``cfg_path`` (whose keys live in the referenced config).
    """
    if not options:
        return
    tree = cfg.to_dict()
    known = list(_flatten_keys(tree))
    for key in options:
        parts = key.split('.')
        exists, _ = _lookup(tree, parts)
        if exists:
            continue
        if _extends_constructor(tree, parts):
            continue
        close = difflib.get_close_matches(key, known, n=1)
        hint = f'; did you mean {close[0]!r}?' if close else ''
        raise UserInputError(
            f'--cfg-options key {key!r} does not exist in the config{hint}')


def _dataset_roots(dataset: Any, key: str) -> Iterator[Tuple[str, str]]:
    """(config key, data_root) of a dataset, through wrapper datasets."""
    if not isinstance(dataset, dict):
        return
    if dataset.get('data_root'):
        yield f'{key}.data_root', dataset['data_root']
    if 'dataset' in dataset:
        yield from _dataset_roots(dataset['dataset'], f'{key}.dataset')
    for index, child in enumerate(dataset.get('datasets', []) or []):
        yield from _dataset_roots(child, f'{key}.datasets.{index}')


def check_data_roots(cfg: Config, dataloaders: List[str]) -> None:
    """Every dataset root the run will read must exist."""
    for loader in dataloaders:
        loader_cfg = cfg.get(loader)
        if not loader_cfg:
            continue
        for key, root in _dataset_roots(loader_cfg.get('dataset'),
                                        f'{loader}.dataset'):
            if not osp.isdir(root):
                raise UserInputError(
                    f'dataset root not found: {root} ({key}); set it with '
                    f'--cfg-options {key}=/path/to/data')


def _ann_file_keys(cfg: Config) -> Iterator[Tuple[str, str]]:
    """(config key, resolved path) of every dataset ``ann_file``."""
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        stack = [(f'{loader}.dataset', (cfg.get(loader) or {}).get('dataset'),
                  '')]
        while stack:
            key, dataset, root = stack.pop()
            if not isinstance(dataset, dict):
                continue
            root = dataset.get('data_root') or root
            if dataset.get('ann_file'):
                yield (f'{key}.ann_file',
                       osp.join(root or '', dataset['ann_file']))
            if 'dataset' in dataset:
                stack.append((f'{key}.dataset', dataset['dataset'], root))
            for index, child in enumerate(dataset.get('datasets') or []):
                stack.append((f'{key}.datasets.{index}', child, root))


class name_ann_file_key:  # noqa: N801 - used like a function
    """Context manager: a malformed annotation file reported inside (a
    :class:`~qmimic_mm.wider.format.WiderAnnotationError`, raised while the
    runner builds its datasets) names the config key of that ``ann_file``;
    a bad image (:class:`~qmimic_mm.datasets.image_check.BadImageError`)
    names the ``bad_image`` key of the dataset listing it.
    """

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg

    def __enter__(self) -> 'name_ann_file_key':
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if not isinstance(exc, FileInputError):
            return False
        # A bad image names its dataset's `bad_image` switch instead.
        ann_file = getattr(exc, 'ann_file', None)
        for key, path in _ann_file_keys(self.cfg):
            if ann_file and osp.normpath(path) == osp.normpath(ann_file):
                exc.name_key(key[:-len('ann_file')] + 'bad_image')
                break
            if not ann_file and osp.normpath(path) == osp.normpath(exc.path):
                exc.name_key(key)
                break
        return False


def check_file(path: Optional[str], what: str) -> None:
    """A file the run reads (checkpoint, resume) must exist."""
    if path and path != 'auto' and not osp.isfile(osp.expanduser(path)):
        raise UserInputError(f'{what} not found: {path}')


def check_output_path(source: str, out: str) -> None:
    """A converter must not write its output over its input checkpoint."""
    if osp.abspath(source) == osp.abspath(out):
        raise UserInputError('refusing to overwrite the input checkpoint; '
                             'give another output path')


def check_checkpoint(path: Optional[str], key: str) -> None:
    """A checkpoint the run reads must exist and look readable.

    Cheap, before anything is built or written: the file is not empty and
    is a torch zip archive whose directory lists a ``data.pkl`` (a truncated
    file has no directory), or a legacy pickle. Damage deeper in the file is
    still reported as one line when the file is loaded
    (:class:`CheckpointReadError`).

    Args:
        path (str, optional): The file; None or ``'auto'`` are skipped.
        key (str): The config key or flag naming it, for the message.
    """
    if not path or path == 'auto':
        return
    filename = osp.expanduser(path)
    if not osp.isfile(filename):
        raise UserInputError(f'{key}: checkpoint not found: {path}')
    if osp.getsize(filename) == 0:
        raise CheckpointReadError(path, '0 bytes', key)
    if zipfile.is_zipfile(filename):
        try:
            with zipfile.ZipFile(filename) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError) as err:
            raise CheckpointReadError(path, f'bad zip directory ({err})',
                                      key) from None
        if not any(name.endswith('data.pkl') for name in names):
            raise CheckpointReadError(
                path, 'a zip archive without data.pkl, not a torch '
                'checkpoint', key)
        return
    with open(filename, 'rb') as f:
        magic = f.read(2)
    if magic[:1] != b'\x80':  # pickle protocol >= 2 (legacy torch.save)
        raise CheckpointReadError(
            path, 'neither a torch zip archive (truncated?) nor a pickle',
            key)


def use_cpu_distributed_defaults(cfg: Config) -> None:
    """Let a torchrun launch work on a machine without a GPU.

    NCCL needs GPUs, so gloo is used; mmengine's ``init_dist`` calls
    ``torch.cuda.set_device`` unconditionally, so the gloo process group is
    started here (the runner then skips its own initialisation); and DDP
    rejects the ``device_ids`` that mmengine's default wrapper passes for a
    CPU module.
    """
    import torch
    import torch.distributed as torch_dist
    if torch.cuda.is_available():
        return
    cfg.setdefault('env_cfg', ConfigDict())
    cfg.env_cfg.setdefault('dist_cfg', ConfigDict())
    cfg.env_cfg.dist_cfg.backend = 'gloo'
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = ConfigDict(
            type='MMDistributedDataParallel',
            device_ids=None,  # a CPU module takes none
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    if cfg.launcher == 'pytorch' and not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')


def check_warmup_hooks(cfg: Config) -> None:
    """A distillation warm-up longer than the schedule is a config error."""
    max_iters = cfg.get('train_cfg', {}).get('max_iters')
    for index, hook in enumerate(cfg.get('custom_hooks') or []):
        if hook.get('type') != 'DistillLossWarmupHook' or max_iters is None:
            continue
        warmup = hook.get('warmup_iters')
        if isinstance(warmup, int) and warmup > max_iters:
            raise UserInputError(
                f'custom_hooks.{index}.warmup_iters={warmup} is longer than '
                f'the schedule (train_cfg.max_iters={max_iters}); set it to '
                f'at most {max_iters}, e.g. --cfg-options '
                f'custom_hooks.{index}.warmup_iters={max(1, max_iters // 20)}')


def prepare_config(config: str, cfg_options: Optional[Dict[str, Any]],
                   launcher: str, work_dir: Optional[str]) -> Config:
    """The shared start of ``tools/train.py`` and ``tools/test.py``.

    Loads the config, checks and merges ``--cfg-options``, applies the
    launcher (gloo and a CPU-friendly DDP wrapper when there is no GPU) and
    picks the work dir: ``--work-dir``, else the config's, else
    ``./work_dirs/<config name>``.
    """
    cfg = load_config(config)
    check_cfg_options(cfg, cfg_options)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    check_warmup_hooks(cfg)
    cfg.launcher = launcher
    if launcher != 'none':
        use_cpu_distributed_defaults(cfg)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config))[0])
    return cfg
