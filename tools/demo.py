"""The main job (`make demo`): Quantization Mimic end to end on small data.

    python tools/demo.py [--family rfcn|one-stage] [--work-dir DIR]
                         [--data-root DIR]
                         [--iters-scale 1.0] [--seeds 1] [--seed 0]
                         [--ablation [NAME ...]] [--ablation-seeds N]
                         [--pruning] [--claims NAME ...] [--skip-existing]
                         [--jobs N] [--verbose]

Reproduces the WIDER FACE pipeline of Wei et al. (ECCV 2018, Sec. 3.3 and
4.1) at CPU size, with the project's own tools as a user would run them:

1. writes the synthetic face set (official WIDER FACE layout; train, val and
   test with disjoint identities and scenes) into ``data/demo_faces/`` if it
   is missing;
2. trains with ``tools/train.py`` on the ``configs/demo/`` configs: the
   R-FCN VGG-1-4 fp teacher (once), then per seed its two continuations of
   equal length (fp, and the quantized finetune of Sec. 3.3) and the tiny
   VGG-1-32 student from scratch, with quantization only (Table 5), with
   Li et al.'s mimic of the fp teacher (Eq. 5) and with Quantization Mimic
   of the quantized teacher (Eq. 6), all students on one schedule;
   ``--ablation`` adds variants of the QM student, ``--pruning`` Table 2's
   two pruning baselines (tested as the exported pruned detectors);
   independent stages run
   side by side (``--jobs``);
3. evaluates every model on test (the reported numbers) and val (for
   choosing settings), the distilled students after
   ``tools/model_converters/extract_student.py`` with the plain student
   config;
4. measures the per-RoI matching ratio of both mimic pairs (Fig. 5);
5. writes ``results.md`` (test table mean ± std over seeds, each claim held
   / not held / not tested with its numbers, val table, ablation table), PR
   curves and the matching-ratio histograms, and prints ``results.md``.

``--family one-stage`` runs the same experiment (same data, splits, seeds,
stages and iteration counts) on RTMDet: a CSPNeXt-1-4 teacher and
CSPNeXt-1-32 students, the mimic on every neck level over the ground-truth
regions (``configs/demo/*rtmdet*``), in ``work_dirs/demo_one-stage``.

Every tool's full output goes to ``<work-dir>/.../<stage>/*.log``; the
console shows each stage's header (elapsed time, estimated time left) and
mmengine's progress lines (with their eta). The plan, the runner and the
report live beside the library, in ``projects/qmimic_demo``.
"""
import argparse
import os.path as osp
import sys
import time
from typing import List, Optional

# The demo is a project beside the library (projects/qmimic_demo), imported
# from the repository root.
sys.path.append(osp.dirname(osp.dirname(osp.abspath(__file__))))

from projects.qmimic_demo.qmimic_demo.claims import CLAIM_STAGES  # noqa: E402
from projects.qmimic_demo.qmimic_demo.operating_points import (  # noqa: E402
    write_grid)
from projects.qmimic_demo.qmimic_demo.plan import (  # noqa: E402
    ABLATIONS, DEFAULT_DATA_ROOT, FAMILIES, FAMILY_WORK_DIRS, DemoSettings,
    ablation_stages, build_plan, default_jobs)
from projects.qmimic_demo.qmimic_demo.report import (  # noqa: E402
    evaluate_runs, matching_ratios, plot_pr, write_report)
from projects.qmimic_demo.qmimic_demo.runner import (  # noqa: E402
    Scheduler, ensure_data)
from projects.qmimic_demo.qmimic_demo.tool_runner import (  # noqa: E402
    Console, DemoError, ToolRunner, fmt_duration, thread_env)


def parse_args(argv: Optional[List[str]] = None) -> DemoSettings:
    """Command-line arguments, as :class:`DemoSettings`."""
    defaults = DemoSettings()
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument(
        '--family', choices=list(FAMILIES), default='rfcn',
        help='detector family: the paper\'s R-FCN (VGG-1-4 -> VGG-1-32) or '
        'one-stage RTMDet (CSPNeXt-1-4 -> CSPNeXt-1-32), the same stages, '
        'splits and seeds')
    parser.add_argument(
        '--work-dir', default=None,
        help='where checkpoints, logs and results go (default: '
        'work_dirs/demo for rfcn, work_dirs/demo_one-stage for one-stage)')
    parser.add_argument(
        '--data-root', default=DEFAULT_DATA_ROOT,
        help='the demo face set (WIDER FACE layout); generated if missing')
    parser.add_argument(
        '--iters-scale', type=float, default=1.0,
        help='multiply every iteration count (schedules, warmups, val and '
        'log intervals) by this')
    parser.add_argument(
        '--seeds', type=int, default=1,
        help='train the teacher continuations and the students once per '
        'seed (--seed .. --seed + N - 1) and report mean ± std; claims '
        'need at least 2')
    parser.add_argument(
        '--seed', type=int, default=0,
        help='first training seed (also the fp base teacher\'s); the data '
        'set keeps its own fixed seed')
    parser.add_argument(
        '--ablation', nargs='*', metavar='NAME',
        help='also train variants of the QM student, evaluated on val: all, '
        f'or the NAMEs given ({", ".join(a.name for a in ABLATIONS)})')
    parser.add_argument(
        '--ablation-seeds', type=int, default=1, metavar='N',
        help='train the --ablation variants on the first N seeds only')
    parser.add_argument(
        '--pruning', action='store_true',
        help='also train Table 2\'s pruning baselines (the base teacher '
        'pruned to the VGG-1-32 widths by the Taylor criterion and by He et '
        'al.\'s channel pruning) on the students\' iterations and seeds')
    parser.add_argument(
        '--claims', nargs='+', metavar='NAME', choices=list(CLAIM_STAGES),
        help='train only the stages these claims need (the two models each '
        'compares and their teachers), e.g. --claims qm-vs-mimic --seeds 8: '
        f'{", ".join(CLAIM_STAGES)}')
    parser.add_argument(
        '--skip-existing', action='store_true',
        help='reuse finished stages (checkpoints, evaluations) and resume '
        'an interrupted one')
    parser.add_argument(
        '--jobs', type=int, default=None,
        help='stages trained side by side (default: 2 on CPU, one thread '
        'each unless OMP_NUM_THREADS is set; up to 4 on a GPU)')
    parser.add_argument('--verbose', action='store_true',
                        help='print every line of the tools, not only '
                        'progress')
    # Hidden: tiny data for the smoke test, and running the tools inside
    # this process (no interpreter start-up per tool) for the same reason.
    for split in ('train', 'val', 'test'):
        parser.add_argument(f'--num-{split}', type=int,
                            default=getattr(defaults, f'num_{split}'),
                            help=argparse.SUPPRESS)
    parser.add_argument('--in-process', action='store_true',
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.iters_scale > 0:
        parser.error('--iters-scale must be > 0')
    if args.seeds < 1:
        parser.error('--seeds must be >= 1')
    if not 1 <= args.ablation_seeds <= args.seeds:
        parser.error(f'--ablation-seeds must be in 1..--seeds ({args.seeds})')
    if args.jobs is not None and args.jobs < 1:
        parser.error('--jobs must be >= 1')
    if args.seed < 0:
        parser.error('--seed must be >= 0')
    try:
        ablation_stages(args.ablation)
    except ValueError as exc:
        parser.error(f'--ablation: {exc}')
    if args.family != 'rfcn' and (args.ablation is not None or args.pruning):
        parser.error('--ablation and --pruning vary the R-FCN students; use '
                     'them with --family rfcn')
    return DemoSettings(
        family=args.family,
        work_dir=osp.abspath(args.work_dir or FAMILY_WORK_DIRS[args.family]),
        data_root=osp.abspath(args.data_root),
        iters_scale=args.iters_scale,
        seed=args.seed,
        seeds=args.seeds,
        ablation=args.ablation,
        ablation_seeds=args.ablation_seeds,
        pruning=args.pruning,
        claims=args.claims,
        skip_existing=args.skip_existing,
        # one interpreter cannot run two tools at once
        jobs=1 if args.in_process else (args.jobs or default_jobs()),
        verbose=args.verbose,
        in_process=args.in_process,
        num_train=args.num_train,
        num_val=args.num_val,
        num_test=args.num_test)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the demo; 0 on success, 1 when a step failed."""
    import torch
    settings = parse_args(argv)
    start = time.time()
    console = Console()
    tools = ToolRunner(console, settings.in_process, settings.verbose,
                       thread_env(settings.jobs, torch.cuda.is_available()))
    try:
        ensure_data(settings, console)
        plan = build_plan(settings)
        scheduler = Scheduler(plan, tools, start)
        claims = (f', claims {" ".join(settings.claims)}'
                  if settings.claims else '')
        console.print(
            f'[plan] {len(plan.runs)} trainings ({settings.seeds} seed(s)'
            f'{", ablation" if settings.ablation is not None else ""}'
            f'{claims}), '
            f'{settings.jobs} side by side: est. total '
            f'~{fmt_duration(scheduler.remaining_s(time.time()))}')
        scheduler.run()
        console.print(f'\n[report] elapsed {fmt_duration(time.time() - start)}'
                      ': matching ratios, PR curves, results.md')
        ground_truth = evaluate_runs(plan)
        ratios, ratio_figures = matching_ratios(plan, tools)
        figures = plot_pr(plan) + ratio_figures
        grid = write_grid(plan, osp.join(settings.work_dir, 'grid_test.png'))
        text = write_report(plan, ground_truth, ratios, time.time() - start,
                            figures, grid)
    except (DemoError, OSError, ValueError) as exc:
        console.print(f'\nerror: {exc}')
        return 1
    console.print('\n' + text)
    console.print(f'wrote {osp.join(settings.work_dir, "results.md")} '
                  f'in {fmt_duration(time.time() - start)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
