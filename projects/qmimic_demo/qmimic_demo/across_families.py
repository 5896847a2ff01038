"""The students of the two detector families side by side, on test.

Reads two finished claims runs (``tools/demo.py --claims qm-vs-mimic
qm-vs-scratch --seeds N``, once per ``--family``) on the same demo data and
compares every student of one family with a reference student of the other
(by default the R-FCN Quantization Mimic student), per WIDER setting, with
Welch's interval (:mod:`.unpaired`): the families share seeds and data order
but no weights, so their seeds are not pairs.
"""
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Mapping, Sequence

from qmimic_mm.wider import WIDER_SETTINGS
from .paired import format_interval
from .plan import TEST_SPLIT, DemoSettings, build_plan
from .report import ap_cells, evaluate_runs
from .stats import Cell
from .unpaired import WelchDiff

#: The students a claims run trains, in table order.
STUDENTS = ('scratch', 'mimic', 'qmimic')
#: The claims whose runs hold those students.
CLAIMS = ('qm-vs-mimic', 'qm-vs-scratch')


@dataclass(frozen=True)
class StudentResult:
    """One student's test AP over the seeds of a claims run.

    Attributes:
        title: Its row label in the run's report.
        cells: WIDER setting -> AP over the seeds.
    """

    title: str
    cells: Mapping[str, Cell]


def family_test_results(work_dir: str, family: str, seeds: int,
                        data_root: str) -> Dict[str, StudentResult]:
    """The :data:`STUDENTS` of a finished claims run, by stage key, scored
    on test from the predictions the run wrote.

    Raises:
        FileNotFoundError: A student of a seed has no test predictions (the
            run is not finished); the message names the folder and the
            command that finishes it.
    """
    plan = build_plan(
        DemoSettings(work_dir=work_dir, data_root=data_root, seeds=seeds,
                     claims=CLAIMS, family=family))
    for key in STUDENTS:
        for run in plan.of(key):
            if not osp.isdir(run.pred_dir(TEST_SPLIT)):
                raise FileNotFoundError(
                    f'{run.pred_dir(TEST_SPLIT)} does not exist: the '
                    f'{family} claims run in {work_dir} has not tested '
                    f'{key} of seed {run.seed}. Finish it with tools/demo.py '
                    f'--family {family} --claims {" ".join(CLAIMS)} --seeds '
                    f'{seeds} --work-dir {work_dir} --skip-existing')
    evaluate_runs(plan)
    cells = ap_cells(plan, TEST_SPLIT)
    return {
        key: StudentResult(plan.of(key)[0].stage.title, cells[key])
        for key in STUDENTS
    }


def comparison_table(students: Mapping[str, StudentResult],
                     reference: StudentResult,
                     settings: Sequence[str] = WIDER_SETTINGS) -> List[str]:
    """Markdown rows: the reference's and each student's test AP, and each
    student's difference from the reference with Welch's 95% interval."""
    names = [s.capitalize() for s in settings]
    header = ['Student'] + names + [f'{n} - reference' for n in names]
    lines = [
        '| ' + ' | '.join(header) + ' |',
        '|---|' + '---:|' * len(names) + '---|' * len(names),
        '| ' + ' | '.join([f'{reference.title} (reference)'] +
                          [reference.cells[s].format() for s in settings] +
                          [''] * len(settings)) + ' |',
    ]
    for student in students.values():
        diffs = []
        for s in settings:
            welch = WelchDiff(student.cells[s], reference.cells[s])
            diffs.append(f'{welch.mean:+.3f} '
                         f'{format_interval(*welch.interval)}')
        lines.append('| ' + ' | '.join(
            [student.title] + [student.cells[s].format()
                               for s in settings] + diffs) + ' |')
    return lines
