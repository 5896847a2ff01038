"""Export a trained detector (R-FCN, RTMDet, RetinaNet) to ONNX and check it
in ONNX Runtime.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT --out model.onnx
        [--boundary detector|network] [--no-fold-preprocess]
        [--shape H W] [--no-verify] [--cfg-options K=V ...]

``--boundary detector`` (default) exports the whole detector for one image:
input ``image`` (1, C, H, W) as the test pipeline hands it to the model
(after resizing, before normalisation), outputs ``boxes`` (M, 4) in that
image's pixels, ``scores`` (M,) and ``labels`` (M,), by score; everything
between is in the graph -- normalisation, padding, network, then for R-FCN
the proposals and their NMS, PS-RoI pooling, voting, box decoding and the
final NMS, for a one-stage detector each level's top ``nms_pre``, the
priors, box decoding and the NMS -- so a device needs only ONNX Runtime;
the normalisation is folded into the first conv (``--no-fold-preprocess``
keeps it a step of its own, bit-equal to PyTorch's). ``--boundary network``
exports the convolutions alone (see :mod:`qmimic_mm.deployment.
onnx_export`). Both run in ``tools/test.py --onnx``. Unless
``--no-verify``, the exported model and PyTorch detect on one random image
of ``--shape``; the largest box / score difference between each detection
and its nearest same-label twin in the other list is printed, with the
share of detections within the stated tolerance
(:data:`qmimic_mm.deployment.detection_match.TOLERANCE`).
"""
import argparse
import os.path as osp
import sys

from qmimic_mm.analysis.flops import (  # noqa: E402  (first: stack fixes)
    build_detector, load_detector_config, synthetic_batch)
import torch  # noqa: E402
from mmengine.config import DictAction  # noqa: E402

from qmimic_mm.deployment import (BOUNDARIES, ORTDetector,  # noqa: E402
                                  export_onnx, import_onnxruntime)
from qmimic_mm.deployment.detection_match import (  # noqa: E402
    TOLERANCE, matched_share, paired_difference)
from qmimic_mm.utils import (add_debug_flag, check_checkpoint,  # noqa: E402
                             report_user_errors)

# The repository root, importable: a config's custom_imports may name a
# project beside the library (projects/), as in MMDetection.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='detector config')
    parser.add_argument('checkpoint', help='detector checkpoint')
    parser.add_argument('--out', required=True, help='output .onnx file')
    parser.add_argument('--boundary', choices=BOUNDARIES,
                        default='detector',
                        help='whole detector (default) or the convolutions '
                        'only')
    parser.add_argument('--no-fold-preprocess', action='store_true',
                        help='keep the normalisation out of the first conv '
                        '(--boundary detector)')
    parser.add_argument('--shape', type=int, nargs=2, default=[192, 256],
                        metavar=('H', 'W'),
                        help='trace / verification image size')
    parser.add_argument('--no-verify', action='store_true')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    add_debug_flag(parser)
    return parser.parse_args()


@report_user_errors
def main() -> None:
    args = parse_args()
    import_onnxruntime()  # fail early, with the install hint
    cfg = load_detector_config(args.config, args.cfg_options)
    check_checkpoint(args.checkpoint, 'CHECKPOINT')
    model = build_detector(cfg, args.checkpoint)
    batch = synthetic_batch(model, args.shape)
    export_onnx(model, args.out, batch['inputs'][0][None],
                osp.basename(args.config), args.boundary,
                not args.no_fold_preprocess)
    print(f'wrote {args.out}')
    if not args.no_verify:
        runner = ORTDetector(args.out, model)
        # each result's instances at once: the runner writes its
        # predictions into the batch's own data samples
        with torch.no_grad():
            ref = model.test_step(batch)[0].pred_instances
        got = runner.test_step(batch)[0].pred_instances
        box, score = paired_difference(ref, got)
        share = min(matched_share(got, ref), matched_share(ref, got))
        print(f'verify on a random {args.shape[0]}x{args.shape[1]} image: '
              f'{len(got)} detections (torch {len(ref)}), max |box '
              f'difference| {box:.2e} px, max |score difference| '
              f'{score:.2e} (each detection against its nearest twin); '
              f'{share:.1%} within the tolerance ({TOLERANCE["box"]:g} px, '
              f'{TOLERANCE["score"]:g} score)')


if __name__ == '__main__':
    main()
