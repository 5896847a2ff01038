"""Seed spread of the demo's students under other schedules (val only).

    python projects/qmimic_demo/tools/variance_study.py WORK_DIR [--seeds 4]

``WORK_DIR`` is a finished ``tools/demo.py --claims qm-vs-scratch`` run: its
seeds' dumped configs and teachers are reused. Trains the scratch and
Quantization Mimic students of seeds 0..N-1 under each variant of
``qmimic_demo.variance_study.VARIANTS`` (into ``WORK_DIR/variance_study``)
and writes ``variance_study.md`` there: val AP mean ± std per variant, the
paired difference from the run's own students and the training time.
"""
import argparse
import os.path as osp
import sys

# The repository root: the demo project imports as ``projects.qmimic_demo``.
REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
sys.path.append(REPO)

from projects.qmimic_demo.qmimic_demo.variance_study import (  # noqa: E402
    run_study)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', help='a finished claims run')
    parser.add_argument('--seeds', type=int, default=4,
                        help='seeds 0..N-1 of that run')
    parser.add_argument('--jobs', type=int, default=2,
                        help='trainings side by side (one thread each)')
    args = parser.parse_args()
    out_dir = osp.join(args.work_dir, 'variance_study')
    print(run_study(REPO, args.work_dir, out_dir, range(args.seeds),
                    args.jobs))


if __name__ == '__main__':
    main()
