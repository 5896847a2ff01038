"""Turn a distillation checkpoint into a student-only detector checkpoint.

    python tools/model_converters/extract_student.py DISTILL_CKPT OUT_CKPT

The result loads with the student's own detector config in plain
``tools/test.py`` (or as ``load_from``): the ``architecture.`` weights with
that prefix removed; teacher and adapter (connector) weights are dropped.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..', '..'))

import torch  # noqa: E402

from qmimic_mm.compat.safe_checkpoint import safe_torch_load  # noqa: E402
from qmimic_mm.utils import UserInputError, report_user_errors  # noqa: E402

STUDENT_PREFIX = 'architecture.'


def extract_student(checkpoint: dict) -> dict:
    """Student weights and meta of a distillation checkpoint."""
    state = checkpoint.get('state_dict', checkpoint)
    student = {
        key[len(STUDENT_PREFIX):]: value
        for key, value in state.items() if key.startswith(STUDENT_PREFIX)
    }
    if not student:
        raise UserInputError(
            'no "architecture." weights: this is not a distillation '
            'checkpoint (a plain detector checkpoint needs no extraction)')
    meta = dict(checkpoint.get('meta', {}))
    meta['extracted_from'] = 'distillation student (architecture.)'
    return dict(meta=meta, state_dict=student)


@report_user_errors
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint', help='distillation checkpoint')
    parser.add_argument('out', help='student checkpoint to write')
    args = parser.parse_args()
    if osp.abspath(args.checkpoint) == osp.abspath(args.out):
        raise UserInputError('refusing to overwrite the input checkpoint; '
                             'give another output path')
    student = extract_student(safe_torch_load(args.checkpoint, 'cpu'))
    torch.save(student, args.out)
    print(f'wrote {len(student["state_dict"])} student tensors to {args.out}')


if __name__ == '__main__':
    main()
