"""Write the synthetic demo face set in the official WIDER FACE layout.

Example::

    python tools/dataset_converters/make_demo_faces.py --out data/demo_faces \
        --num-train 400 --num-val 100 --num-test 200 --seed 0 \
        --img-size 160 256

Train, val and test use disjoint face crops (identities) and scenes. The
result is used exactly like a downloaded WIDER FACE (``data_root`` of the
WIDER configs). The generator is the demo project's
(``projects/qmimic_demo/qmimic_demo/demo_faces.py``).
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

# The generator is part of the demo, a project beside the library
# (projects/qmimic_demo), imported from the repository root.
sys.path.append(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from projects.qmimic_demo.qmimic_demo.demo_faces import (  # noqa: E402
    DemoFacesConfig, make_demo_faces)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    defaults = DemoFacesConfig()
    parser = argparse.ArgumentParser(
        description='Generate a small face-detection set from the LFW crops '
        'bundled with scikit-image, in the official WIDER FACE layout '
        '(images, bbx_gt txt files and eval .mat ground truth).')
    parser.add_argument('--out', required=True, help='output root folder')
    parser.add_argument('--num-train', type=int, default=defaults.num_train,
                        help='number of train images')
    parser.add_argument('--num-val', type=int, default=defaults.num_val,
                        help='number of val images')
    parser.add_argument('--num-test', type=int, default=defaults.num_test,
                        help='number of test images')
    parser.add_argument('--seed', type=int, default=defaults.seed,
                        help='random seed (same seed, identical output)')
    parser.add_argument(
        '--img-size', type=int, nargs='+', default=list(defaults.img_size),
        metavar='PX', help='longer image side: one value, or MIN MAX')
    parser.add_argument(
        '--preview', metavar='PNG',
        help='also draw the first 4 test images with at least two faces '
        'and a distractor, faces and distractors boxed, into this PNG')
    parser.add_argument('--no-progress', action='store_true',
                        help='hide the progress bars')
    args = parser.parse_args(argv)
    if len(args.img_size) not in (1, 2):
        parser.error('--img-size takes one value or MIN MAX')
    lo, hi = args.img_size[0], args.img_size[-1]
    if not 32 <= lo <= hi:
        parser.error('--img-size needs 32 <= MIN <= MAX')
    args.img_size = (lo, hi)
    if min(args.num_train, args.num_val, args.num_test, args.seed) < 0:
        parser.error('--num-train, --num-val, --num-test and --seed must be '
                     '>= 0')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Generate the set and print a short summary."""
    args = parse_args(argv)
    cfg = DemoFacesConfig(
        num_train=args.num_train,
        num_val=args.num_val,
        num_test=args.num_test,
        seed=args.seed,
        img_size=args.img_size)
    stats = make_demo_faces(args.out, cfg, progress=not args.no_progress)
    print(f'wrote {args.out}: ' +
          ', '.join(f'{k}={v}' for k, v in stats.items()))
    if args.preview:
        write_preview(args.out, args.preview)
        print(f'wrote {args.preview}')


def write_preview(root: str, png: str, split: str = 'test') -> None:
    """One grid row of ``split`` images: faces and distractors boxed."""
    from projects.qmimic_demo.qmimic_demo.grid import (GridRow,
                                                      draw_detection_grid)
    from projects.qmimic_demo.qmimic_demo.operating_points import (
        grid_images, split_boxes)
    faces, distractors = split_boxes(osp.join(root, 'wider_face_split'),
                                     split)
    row = GridRow(f'{split} images', {}, float('nan'))
    draw_detection_grid(
        osp.join(root, f'WIDER_{split}', 'images'),
        grid_images(faces, distractors), [row], faces, distractors, png)


if __name__ == '__main__':
    main()
