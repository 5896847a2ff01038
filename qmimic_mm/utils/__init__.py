from .cli import (UserInputError, check_cfg_options, check_data_roots,
                  check_file, load_config, prepare_config, report_user_errors,
                  use_cpu_distributed_defaults)
from .config_paths import PROJECT_CONFIGS, load_detector_cfg, resolve_config_path

__all__ = [
    'PROJECT_CONFIGS', 'UserInputError', 'check_cfg_options',
    'check_data_roots', 'check_file', 'load_config', 'load_detector_cfg',
    'prepare_config', 'report_user_errors', 'resolve_config_path',
    'use_cpu_distributed_defaults'
]
