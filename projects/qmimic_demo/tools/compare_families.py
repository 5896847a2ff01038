"""The one-stage students against the R-FCN Quantization Mimic student, on
test (Welch's 95% interval: the families' seeds are not pairs).

    python projects/qmimic_demo/tools/compare_families.py RFCN_DIR ONE_STAGE_DIR --seeds 8

Each folder is a finished ``tools/demo.py [--family one-stage] --claims
qm-vs-mimic qm-vs-scratch --seeds N`` run on the same ``--data-root``.
"""
import argparse
import os.path as osp
import sys

# The repository root: the demo project imports as ``projects.qmimic_demo``.
REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
sys.path.append(REPO)

from projects.qmimic_demo.qmimic_demo.across_families import (  # noqa: E402
    comparison_table, family_test_results)
from projects.qmimic_demo.qmimic_demo.plan import (  # noqa: E402
    DEFAULT_DATA_ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('rfcn_dir', help='a finished R-FCN claims run')
    parser.add_argument('one_stage_dir', help='a finished one-stage one')
    parser.add_argument('--seeds', type=int, default=8,
                        help='seeds 0..N-1 of both runs')
    parser.add_argument('--one-stage-seeds', type=int, default=None,
                        help='seeds of the one-stage run, if fewer')
    parser.add_argument('--data-root', default=DEFAULT_DATA_ROOT,
                        help='the demo face set both runs used')
    args = parser.parse_args()
    rfcn = family_test_results(args.rfcn_dir, 'rfcn', args.seeds,
                               args.data_root)
    one_stage = family_test_results(args.one_stage_dir, 'one-stage',
                                    args.one_stage_seeds or args.seeds,
                                    args.data_root)
    print('\n'.join(comparison_table(one_stage, rfcn['qmimic'])))


if __name__ == '__main__':
    main()
