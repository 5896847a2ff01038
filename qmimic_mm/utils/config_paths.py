"""Find the project's configs: in the source tree or in the installed wheel.

A wheel carries ``configs/`` as ``qmimic_mm/.mim/configs`` (``setup.py``),
the way OpenMMLab packages do, so both spellings work from an installed
package:

* ``cfg_path`` of ``model.architecture`` / ``model.teacher`` (this module's
  :func:`load_detector_cfg`): ``'qmimic_mm::rfcn/x.py'`` (or the short
  ``'qmimic::rfcn/x.py'``), or a plain ``'rfcn/x.py'``: relative to the
  current directory first, then to ``configs/``;
* ``_base_ = 'qmimic_mm::qmimic/rfcn_vgg1-32_wider.py'`` in a config of
  your own: MMEngine resolves it through ``.mim/configs`` once
  :func:`register_config_scope` has run (importing this module runs it).
"""
import os.path as osp
from importlib import resources
from pathlib import Path
from typing import List, Optional, Tuple, Union

from mmengine.config import Config, ConfigDict
from mmengine.config.utils import MODULE2PACKAGE

#: The scope prefixes ``cfg_path`` accepts for this project's configs.
SCOPES = ('qmimic_mm', 'qmimic')

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def source_configs() -> Optional[Path]:
    """``configs/`` of the source tree (editable install), else None."""
    configs = _SOURCE_ROOT / 'configs'
    if (_SOURCE_ROOT / 'pyproject.toml').is_file() and configs.is_dir():
        return configs
    return None


def packaged_configs() -> Optional[Path]:
    """``qmimic_mm/.mim/configs`` of an installed wheel, else None."""
    try:
        configs = resources.files('qmimic_mm') / '.mim' / 'configs'
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        return None
    return Path(str(configs)) if configs.is_dir() else None


#: The configs folder this copy of the package reads: the source tree's in
#: an editable install, the packaged one in a wheel install.
PROJECT_CONFIGS = (source_configs() or packaged_configs()
                   or _SOURCE_ROOT / 'configs')


def register_config_scope() -> None:
    """Let MMEngine resolve ``'qmimic_mm::...'`` config paths (idempotent).

    MMEngine maps a ``pkg::`` prefix to an installed package only for the
    OpenMMLab packages it lists; this adds ``qmimic_mm``. Needed before
    ``Config.fromfile`` reads a config whose ``_base_`` names
    ``'qmimic_mm::...'``; the package's tools import this module first.
    """
    MODULE2PACKAGE.setdefault('qmimic_mm', 'qmimic_mm')


register_config_scope()


def split_scope(path: str) -> Tuple[Optional[str], str]:
    """``'qmimic::rfcn/x.py'`` -> ``('qmimic', 'rfcn/x.py')``."""
    scope, sep, rest = path.partition('::')
    return (scope, rest) if sep else (None, path)


def config_search_path(path: str) -> List[str]:
    """Where :func:`resolve_config_path` looks for ``path``, in order."""
    scope, name = split_scope(path)
    candidates = [] if scope else [path]  # the current directory first
    for root in (source_configs(), packaged_configs()):
        if root is not None:
            candidate = str(root / name)
            if candidate not in candidates:
                candidates.append(candidate)
    return candidates


def resolve_config_path(path: str, config_key: str) -> str:
    """Find a project config named by ``path``.

    Search order: ``path`` as given (relative to the current directory),
    then ``configs/`` of the source tree (editable install), then the copy
    shipped in the package (``qmimic_mm/.mim/configs``). A ``qmimic_mm::``
    or ``qmimic::`` prefix skips the current directory.

    Args:
        path (str): A config path, e.g. ``'faster_rcnn/x.py'`` or
            ``'qmimic_mm::rfcn/x.py'``.
        config_key (str): The config key holding it, for the error message.

    Raises:
        FileNotFoundError: Naming the key, every place that was tried and
            the fix.
    """
    scope, name = split_scope(path)
    if scope is not None and scope not in SCOPES:
        raise ValueError(f'{config_key}: {path!r} names the scope {scope!r}; '
                         f'this resolver reads {" or ".join(SCOPES)}:: only')
    candidates = config_search_path(path)
    for candidate in candidates:
        if osp.isfile(candidate):
            return candidate
    tried = ', '.join(repr(c) for c in candidates)
    if source_configs() is None and packaged_configs() is None:
        tried += (' (this qmimic_mm install has no configs: neither a '
                  'source tree nor qmimic_mm/.mim/configs)')
    raise FileNotFoundError(
        f'{config_key}: config not found: {path!r}; tried {tried}. Fix: give '
        'a path relative to the current directory, or one relative to the '
        f'project\'s configs/ (e.g. \'qmimic_mm::rfcn/rfcn_vgg1-32_80k_'
        'wider.py\'), or an absolute path.')


def load_detector_cfg(cfg: Union[dict, ConfigDict],
                      config_key: str) -> Union[dict, ConfigDict]:
    """Expand ``dict(cfg_path='local/config.py', **overrides)`` into the
    ``model`` dict of that config, with ``overrides`` merged in.

    MMRazor's own ``cfg_path`` only understands ``package::path`` configs of
    installed OpenMMLab packages; this lets a distillation config name the
    project's teacher and student configs by path or as
    ``'qmimic_mm::path'`` (see :func:`resolve_config_path`), and still change
    them (``--cfg-options model.teacher.backbone.frozen_stages=1``). Other
    dicts (and ``'mmdet::...'`` paths) are returned unchanged. The model is
    built in mmdet's scope unless it names another.
    """
    cfg_path = cfg.get('cfg_path') if isinstance(cfg, dict) else None
    if not cfg_path or split_scope(cfg_path)[0] not in (None, ) + SCOPES:
        return cfg
    overrides = {k: v for k, v in dict(cfg).items() if k != 'cfg_path'}
    model = Config.fromfile(resolve_config_path(
        cfg_path, f'{config_key}.cfg_path')).model
    model = ConfigDict(Config._merge_a_into_b(overrides, model.to_dict()))
    model.setdefault('_scope_', 'mmdet')
    return model
