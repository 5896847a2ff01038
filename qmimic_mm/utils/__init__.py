"""Helpers of the command-line tools.

Names are loaded on first use (PEP 562), so that ``qmimic_mm.utils.errors``
stays importable without mmengine: the light tools (WIDER evaluation) use
only that.
"""
import importlib
from typing import Any

_EXPORTS = {
    'UserInputError': 'errors',
    'add_debug_flag': 'errors',
    'CheckpointReadError': 'errors',
    'FileInputError': 'errors',
    'InvalidInputError': 'errors',
    'name_checkpoint_key': 'errors',
    'report_user_errors': 'errors',
    'check_cfg_options': 'cli',
    'check_checkpoint': 'cli',
    'check_data_roots': 'cli',
    'check_file': 'cli',
    'check_output_path': 'cli',
    'load_config': 'cli',
    'name_ann_file_key': 'cli',
    'prepare_config': 'cli',
    'use_cpu_distributed_defaults': 'cli',
    'PROJECT_CONFIGS': 'config_paths',
    'load_detector_cfg': 'config_paths',
    'register_config_scope': 'config_paths',
    'resolve_config_path': 'config_paths',
    'atomic_output': 'atomic_save',
    'atomic_torch_save': 'atomic_save',
    'atomic_write_text': 'atomic_save',
    'find_resume_checkpoint': 'resume',
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    value = getattr(importlib.import_module(f'.{_EXPORTS[name]}', __name__),
                    name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return __all__
