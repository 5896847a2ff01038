"""What one training step of a config needs, built the way
``tools/train.py`` builds it, for the timing tools
(``benchmark_train_step.py``, ``profile_detector.py --mode train``)."""
import os
import tempfile
from typing import Any, Optional, Tuple

from mmengine.optim import OptimWrapper
from torch import nn

from qmimic_mm.analysis.flops import quiet_logger
from qmimic_mm.utils import check_data_roots, prepare_config


def build_train_step(config: str,
                     options: Optional[dict] = None,
                     seed: Optional[int] = None,
                     keep_teacher_weights: bool = False
                     ) -> Tuple[nn.Module, Any, OptimWrapper]:
    """The model (in train mode), its train dataloader and optim wrapper.

    Args:
        config: Detector or distillation config.
        options: ``--cfg-options`` overrides.
        seed: Training seed; None keeps the config's.
        keep_teacher_weights: Load ``model.teacher_ckpt`` when the file
            exists; otherwise (and by default) the teacher keeps random
            weights: timing does not need them.
    """
    from mmengine.runner import Runner
    cfg = prepare_config(config, options, 'none',
                         tempfile.mkdtemp(prefix='train_step_'))
    check_data_roots(cfg, ['train_dataloader'])
    if 'teacher_ckpt' in cfg.model and not (
            keep_teacher_weights and cfg.model.teacher_ckpt is not None
            and os.path.isfile(cfg.model.teacher_ckpt)):
        cfg.model.teacher_ckpt = None
    cfg.log_level = 'ERROR'
    if seed is not None:
        cfg.randomness = dict(seed=seed, deterministic=False)
    with quiet_logger():
        runner = Runner.from_cfg(cfg)
        loader = runner.build_dataloader(cfg.train_dataloader)
        optim = runner.build_optim_wrapper(cfg.optim_wrapper)
    runner.model.train()
    return runner.model, loader, optim
