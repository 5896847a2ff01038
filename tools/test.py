"""Evaluate a checkpoint on the config's test set (MMDet-style).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE.pkl]
                         [--show] [--show-dir DIR] [--cfg-options K=V ...]
                         [--onnx MODEL.onnx]
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

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the dir to save the evaluation metrics')
    parser.add_argument(
        '--out', help='dump predictions to a pickle file (.pkl/.pickle)')
    parser.add_argument(
        '--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir', help='save images with drawn predictions here (a '
        'subfolder of the work dir)')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings; keys must exist in the config')
    parser.add_argument(
        '--onnx', metavar='MODEL.onnx',
        help='run the detector in ONNX Runtime (a file from '
        'tools/deployment/export_onnx.py; with a --boundary network file, '
        'pre/post-processing stay the detector\'s PyTorch code)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    add_debug_flag(parser)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def enable_visualization(cfg, args: argparse.Namespace) -> None:
    """Turn on mmdet's DetVisualizationHook for --show / --show-dir."""
    hooks = cfg.default_hooks
    if 'visualization' not in hooks:
        raise UserInputError('--show/--show-dir need a `visualization` hook '
                             'in default_hooks (mmdet default_runtime)')
    hooks.visualization.draw = True
    if args.show:
        hooks.visualization.show = True
        hooks.visualization.wait_time = args.wait_time
    if args.show_dir:
        hooks.visualization.test_out_dir = args.show_dir


@report_user_errors
def main() -> None:
    args = parse_args()
    cfg = prepare_config(args.config, args.cfg_options, args.launcher,
                         args.work_dir)
    check_checkpoint(args.checkpoint, 'CHECKPOINT')
    if args.out is not None and not args.out.endswith(('.pkl', '.pickle')):
        raise UserInputError(f'--out must end with .pkl or .pickle: '
                             f'{args.out}')
    check_data_roots(cfg, ['test_dataloader'])
    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        enable_visualization(cfg, args)

    runner = (Runner.from_cfg(cfg) if 'runner_type' not in cfg else
              RUNNERS.build(cfg))
    if args.out is not None:
        from mmdet.evaluation import DumpDetResults
        runner.test_evaluator.metrics.append(
            DumpDetResults(out_file_path=args.out))
    if args.onnx is not None:
        from qmimic_mm.deployment import ORTDetector
        from qmimic_mm.utils import check_file
        check_file(args.onnx, '--onnx')
        # the test loop calls model.test_step: the same batches and the
        # same metric, the detector in ONNX Runtime
        runner.model.test_step = ORTDetector(args.onnx,
                                             runner.model).test_step
    with name_ann_file_key(cfg), name_checkpoint_key('CHECKPOINT'):
        runner.test()


if __name__ == '__main__':
    main()
