"""Train a detector or a distillation algorithm from a config (MMDet-style).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [auto|PATH]]
                                 [--amp] [--cfg-options K=V ...]
                                 [--launcher {none,pytorch,slurm,mpi}]
"""
import argparse
import os
import os.path as osp
import sys

from qmimic_mm.compat import apply_all

# Before mmrazor is imported and any checkpoint is read (see qmimic_mm.compat).
apply_all()

from mmengine.config import DictAction  # noqa: E402
from mmengine.registry import RUNNERS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from qmimic_mm.utils import (UserInputError, add_debug_flag,  # noqa: E402
                             check_checkpoint, check_data_roots,
                             name_ann_file_key, name_checkpoint_key,
                             prepare_config, report_user_errors)
from qmimic_mm.utils.resume import find_resume_checkpoint  # noqa: E402

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a detector')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--amp', action='store_true',
        help='enable automatic mixed precision training (GPU only)')
    parser.add_argument(
        '--auto-scale-lr', action='store_true',
        help='scale the learning rate by the actual batch size')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from PATH, or with no value from the newest checkpoint '
        'of the work dir that loads (damaged ones are skipped)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. train_cfg.max_iters=100; keys '
        'must exist in the config')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    add_debug_flag(parser)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


@report_user_errors
def main() -> None:
    args = parse_args()
    cfg = prepare_config(args.config, args.cfg_options, args.launcher,
                         args.work_dir)

    if args.amp:
        import torch
        if not torch.cuda.is_available():
            raise UserInputError('--amp needs a CUDA GPU; drop the flag on '
                                 'a CPU machine')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'

    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg:
            raise UserInputError('--auto-scale-lr: the config has no '
                                 '`auto_scale_lr` (enable, base_batch_size)')
        cfg.auto_scale_lr.enable = True

    if args.resume == 'auto':
        # The newest checkpoint that loads, not blindly last_checkpoint:
        # a damaged newest one is skipped with a warning.
        cfg.resume = True
        cfg.load_from = find_resume_checkpoint(
            cfg.work_dir, lambda line: print(f'warning: {line}',
                                             file=sys.stderr))
    elif args.resume is not None:
        check_checkpoint(args.resume, '--resume')
        cfg.resume, cfg.load_from = True, args.resume

    # Validate everything the run reads before the runner writes anything.
    check_checkpoint(cfg.get('load_from'),
                     '--resume' if cfg.get('resume') else 'load_from')
    if isinstance(cfg.get('model'), dict):
        check_checkpoint(cfg.model.get('teacher_ckpt'), 'model.teacher_ckpt')
    check_data_roots(cfg, ['train_dataloader', 'val_dataloader'])

    runner = (Runner.from_cfg(cfg) if 'runner_type' not in cfg else
              RUNNERS.build(cfg))
    # The runner builds the datasets and reads load_from / the resume
    # checkpoint inside train(); errors there name the config key.
    with name_ann_file_key(cfg), name_checkpoint_key(
            '--resume' if cfg.get('resume') else 'load_from'):
        runner.train()


if __name__ == '__main__':
    main()
