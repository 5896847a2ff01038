"""Resolve detector configs referenced from a distillation config."""
import os.path as osp
from pathlib import Path
from typing import Union

from mmengine.config import Config, ConfigDict

#: ``configs/`` of this repository (the package is installed editable).
PROJECT_CONFIGS = Path(__file__).resolve().parents[2] / 'configs'


def resolve_config_path(path: str, config_key: str) -> str:
    """Find ``path`` as given, or relative to the project's ``configs/``.

    Args:
        path (str): A config path, e.g. ``'faster_rcnn/x.py'``.
        config_key (str): The config key holding it, for the error message.

    Raises:
        FileNotFoundError: Naming the key and every place that was tried.
    """
    candidates = [path, str(PROJECT_CONFIGS / path)]
    for candidate in candidates:
        if osp.isfile(candidate):
            return candidate
    raise FileNotFoundError(
        f'{config_key}: config not found: {path!r} (tried '
        f'{", ".join(repr(c) for c in candidates)}). Give a path relative '
        'to the current directory or to the project\'s configs/ folder.')


def load_detector_cfg(cfg: Union[dict, ConfigDict],
                      config_key: str) -> Union[dict, ConfigDict]:
    """Expand ``dict(cfg_path='local/config.py', **overrides)`` into the
    ``model`` dict of that config, with ``overrides`` merged in.

    MMRazor's own ``cfg_path`` only understands ``package::path`` configs of
    installed OpenMMLab packages; this lets a distillation config name the
    project's teacher and student configs by path, and still change them
    (``--cfg-options model.teacher.backbone.frozen_stages=1``). Other dicts
    (and ``'mmdet::...'`` paths) are returned unchanged. The model is built
    in mmdet's scope unless it names another.
    """
    cfg_path = cfg.get('cfg_path') if isinstance(cfg, dict) else None
    if not cfg_path or '::' in cfg_path:
        return cfg
    overrides = {k: v for k, v in dict(cfg).items() if k != 'cfg_path'}
    model = Config.fromfile(resolve_config_path(
        cfg_path, f'{config_key}.cfg_path')).model
    model = ConfigDict(Config._merge_a_into_b(overrides, model.to_dict()))
    model.setdefault('_scope_', 'mmdet')
    return model
