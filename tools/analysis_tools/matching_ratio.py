"""Histogram of the per-RoI matching ratio of a distillation pair (Fig. 5).

    python tools/analysis_tools/matching_ratio.py DISTILL_CONFIG DISTILL_CKPT
        [--teacher-ckpt PATH] [--threshold 0.3] [--quantize | --no-quantize]
        [--loss-name NAME] [--label TEXT] [--out PNG] [--save-ratios NPY]
        [--compare LABEL=NPY ...] [--bins 10] [--max-images N]
        [--cfg-options K=V ...]

Runs the teacher and the student of a trained distillation checkpoint (with
its trained adapter ``r``) over the config's test set (the val set), takes
the student's test-time proposals as RoIs and computes, per RoI, the share
of elements (cells x channels inside the RoI, as the mimic loss reads them)
with ``|f_t - r(f_s)| < threshold``; with ``Q`` on both maps when the pair is
quantized (the config's mimic loss has a quantizer, or ``--quantize``).
For a one-stage pair (a ``MultiLevelQuantMimicLoss`` over neck levels) the
regions are the test images' ground-truth faces, each read on every level.
Prints the mean ratio (last line ``mean matching ratio: X``) and saves the
histogram. The teacher weights come from the distillation checkpoint (they
are frozen during distillation) unless ``--teacher-ckpt`` is given.

Fig. 5 (full-precision vs quantized pair) in two calls::

    python tools/analysis_tools/matching_ratio.py MIMIC_CONFIG MIMIC.pth \\
        --label "Li et al. (fp)" --save-ratios fp.npy --out fp.png
    python tools/analysis_tools/matching_ratio.py QM_CONFIG QM.pth \\
        --label "Quantization Mimic" --compare "Li et al. (fp)=fp.npy" \\
        --out matching_ratio.png
"""
import argparse
import os
import os.path as osp
import sys
from typing import Dict, List, Optional

import qmimic_mm.all_modules  # noqa: F401  (stack fixes, registries)
import numpy as np  # noqa: E402
from mmengine.config import DictAction  # noqa: E402
from mmengine.registry import MODELS, init_default_scope  # noqa: E402
from mmengine.runner import Runner, load_checkpoint  # noqa: E402

from qmimic_mm.analysis.matching_ratio import (  # noqa: E402
    PAPER_THRESHOLD, collect_matching_ratios, plot_matching_ratio_histogram)
from qmimic_mm.compat.safe_checkpoint import safe_torch_load  # noqa: E402
from qmimic_mm.utils import (UserInputError, check_data_roots,  # noqa: E402
                             check_file, prepare_config, report_user_errors)

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='distillation config')
    parser.add_argument('checkpoint', help='distillation checkpoint')
    parser.add_argument(
        '--teacher-ckpt', help='teacher weights to use instead of those '
        'saved in the distillation checkpoint')
    parser.add_argument(
        '--threshold', type=float, default=PAPER_THRESHOLD,
        help='match distance |f_t - f_s| (paper: 0.3)')
    parser.add_argument(
        '--quantize', action=argparse.BooleanOptionalAction, default=None,
        help='compare Q(f_t) with Q(r(f_s)) (--quantize) or the raw maps '
        '(--no-quantize); default: quantized iff the mimic loss has a '
        'quantizer')
    parser.add_argument(
        '--loss-name', help='the mimic loss to read (when the distiller has '
        'several)')
    parser.add_argument('--label', help='legend label (default: config name)')
    parser.add_argument(
        '--out', default='matching_ratio.png', help='histogram PNG to write')
    parser.add_argument(
        '--save-ratios', help='also save the per-RoI ratios (.npy), e.g. '
        'for --compare in a later call')
    parser.add_argument(
        '--compare', nargs='+', default=[], metavar='LABEL=NPY',
        help='add ratios saved by --save-ratios to the histogram')
    parser.add_argument('--bins', type=int, default=10,
                        help='histogram bins over [0, 1]')
    parser.add_argument(
        '--max-images', type=int, help='use only the first N test images')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings; keys must exist in the config')
    return parser.parse_args(argv)


def load_compare(items: List[str]) -> Dict[str, np.ndarray]:
    """``LABEL=FILE.npy`` arguments -> label to ratios."""
    loaded = {}
    for item in items:
        label, sep, path = item.rpartition('=')
        if not sep or not label:
            raise UserInputError(f'--compare takes LABEL=FILE.npy, got '
                                 f'{item!r}')
        check_file(path, '--compare ratios file')
        loaded[label] = np.load(path)
    return loaded


def build_pair(cfg, checkpoint: str, teacher_ckpt: Optional[str]):
    """The distillation algorithm with student, adapter and teacher loaded.

    The config's ``teacher_ckpt`` is not read (it may point into another
    work dir): the teacher comes with the distillation checkpoint, or from
    ``--teacher-ckpt``.
    """
    cfg.model.teacher_ckpt = None
    init_default_scope('mmdet')
    algorithm = MODELS.build(cfg.model)
    state = safe_torch_load(checkpoint, 'cpu')
    state = state.get('state_dict', state)
    state = {k[len('module.'):] if k.startswith('module.') else k: v
             for k, v in state.items()}
    missing, unexpected = algorithm.load_state_dict(state, strict=False)
    missing = [k for k in missing
               if not (teacher_ckpt and k.startswith('teacher.'))]
    if missing or unexpected:
        shown = (missing + unexpected)[:5]
        raise UserInputError(
            f'{checkpoint} does not fit the distillation model of the config '
            f'({len(missing)} missing, {len(unexpected)} unexpected keys, '
            f'e.g. {shown}); give the checkpoint trained with this config '
            '(a distillation checkpoint, not an extracted student)')
    if teacher_ckpt:
        load_checkpoint(algorithm.teacher, teacher_ckpt, map_location='cpu',
                        strict=True, revise_keys=[(r'^module\.', '')])
    return algorithm


def take(loader, limit: Optional[int]):
    """The loader's batches, stopping after ``limit`` images."""
    seen = 0
    for batch in loader:
        if limit is not None and seen >= limit:
            return
        seen += len(batch['inputs'])
        yield batch


@report_user_errors
def main(argv: Optional[List[str]] = None) -> None:
    """Compute, print and plot the matching ratios."""
    args = parse_args(argv)
    if not 0 < args.threshold:
        raise UserInputError('--threshold must be > 0')
    if args.bins < 1:
        raise UserInputError('--bins must be >= 1')
    check_file(args.checkpoint, 'distillation checkpoint')
    check_file(args.teacher_ckpt, '--teacher-ckpt')
    compare = load_compare(args.compare)
    cfg = prepare_config(args.config, args.cfg_options, 'none', None)
    if not isinstance(cfg.get('model'), dict) or 'distiller' not in cfg.model:
        raise UserInputError(f'{args.config} is not a distillation config '
                             '(its model has no distiller)')
    check_data_roots(cfg, ['test_dataloader'])

    algorithm = build_pair(cfg, args.checkpoint, args.teacher_ckpt)
    loader = Runner.build_dataloader(cfg.test_dataloader)
    ratios = collect_matching_ratios(
        algorithm, take(loader, args.max_images), threshold=args.threshold,
        quantize=args.quantize, loss_name=args.loss_name)

    label = args.label or osp.splitext(osp.basename(args.config))[0]
    if args.save_ratios:
        os.makedirs(osp.dirname(osp.abspath(args.save_ratios)), exist_ok=True)
        np.save(args.save_ratios, ratios)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    plot_matching_ratio_histogram(
        {**compare, label: ratios}, args.out, bins=args.bins,
        threshold=args.threshold)
    for other, values in compare.items():
        print(f'{other}: mean matching ratio {np.mean(values):.4f} over '
              f'{len(values)} RoIs')
    print(f'saved {args.out}')
    mean = float(ratios.mean()) if len(ratios) else float('nan')
    print(f'{label}: {len(ratios)} RoIs, threshold {args.threshold:g}')
    print(f'mean matching ratio: {mean:.4f}')


if __name__ == '__main__':
    main()
