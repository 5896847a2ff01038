"""Turn a pruning run's checkpoint into an ordinary, narrower detector.

    python tools/model_converters/export_pruned.py CONFIG PRUNE_CKPT OUT_CKPT

CONFIG is the pruning config (``configs/pruning/*.py``) the checkpoint was
trained with; PRUNE_CKPT any of its checkpoints (``iter_<N>.pth``, with the
MMRazor masks). Writes OUT_CKPT, a plain mmdet checkpoint of the pruned
detector, and ``<OUT_CKPT without .pth>_config.py``, the config that builds
it (per-layer ``backbone.channels``): test it with ``tools/test.py``. A run
does this itself after training (``pruned_iter_<N>.pth``,
``ChannelPruningHook``); this tool exports intermediate checkpoints.
"""
import argparse
import os.path as osp
import sys

from qmimic_mm.compat import apply_all

apply_all()  # before mmrazor is imported and any checkpoint is read

from mmengine.registry import init_default_scope  # noqa: E402

from qmimic_mm.compat.safe_checkpoint import safe_torch_load  # noqa: E402
from qmimic_mm.utils import (UserInputError, add_debug_flag,  # noqa: E402
                             check_file, check_output_path, prepare_config,
                             report_user_errors)
from qmimic_mm.utils.atomic_save import atomic_torch_save  # noqa: E402
from qmimic_mm.utils.errors import name_checkpoint_key  # noqa: E402

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


@report_user_errors
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the pruning config of the run')
    parser.add_argument('checkpoint', help='a checkpoint of the run')
    parser.add_argument('out', help='pruned detector checkpoint to write')
    add_debug_flag(parser)
    args = parser.parse_args()
    check_output_path(args.checkpoint, args.out)
    import qmimic_mm.all_modules  # noqa: F401
    from mmrazor.registry import MODELS
    cfg = prepare_config(args.config, None, 'none', None)
    if not hasattr(MODELS.get(cfg.model.get('type', '')) or object,
                   'export_checkpoint'):
        raise UserInputError(
            f'{args.config}: model.type={cfg.model.get("type")!r} is not a '
            'pruning algorithm; give a configs/pruning/*.py config')
    check_file(args.checkpoint, 'checkpoint')
    init_default_scope('mmdet')
    cfg.model.init_ckpt = None  # the run's checkpoint holds every weight
    algorithm = MODELS.build(cfg.model)
    with name_checkpoint_key('PRUNE_CKPT'):
        state = safe_torch_load(args.checkpoint, 'cpu')
    algorithm.load_state_dict(state.get('state_dict', state))
    checkpoint, model_cfg = algorithm.export_checkpoint()
    atomic_torch_save(checkpoint, args.out)
    cfg.model = model_cfg
    cfg.load_from = None
    cfg_path = osp.splitext(args.out)[0] + '_config.py'
    cfg.dump(cfg_path)
    print(f'wrote the pruned detector to {args.out} (channels per unit: '
          f'{list(checkpoint["meta"]["kept_channels"].values())}) and its '
          f'config to {cfg_path}')


if __name__ == '__main__':
    main()
