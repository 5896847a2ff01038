"""Turn a distillation checkpoint into a student-only detector checkpoint.

    python tools/model_converters/extract_student.py DISTILL_CKPT OUT_CKPT

The result loads with the student's own detector config in plain
``tools/test.py`` (or as ``load_from``): the ``architecture.`` weights with
that prefix removed; teacher and adapter (connector) weights are dropped.
"""
import argparse

from qmimic_mm.compat.safe_checkpoint import safe_torch_load
from qmimic_mm.utils.atomic_save import atomic_torch_save
from qmimic_mm.utils.cli import check_output_path
from qmimic_mm.utils.errors import (UserInputError, add_debug_flag,
                                    name_checkpoint_key, report_user_errors)

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
    add_debug_flag(parser)
    args = parser.parse_args()
    check_output_path(args.checkpoint, args.out)
    with name_checkpoint_key('DISTILL_CKPT'):
        student = extract_student(safe_torch_load(args.checkpoint, 'cpu'))
    atomic_torch_save(student, args.out)
    print(f'wrote {len(student["state_dict"])} student tensors to {args.out}')


if __name__ == '__main__':
    main()
