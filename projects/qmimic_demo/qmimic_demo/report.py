"""The demo's results: AP per model and split over seeds, matching ratios,
the paper's claims, PR curves and ``results.md``."""
import os
import os.path as osp
import platform
from datetime import datetime
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config

from qmimic_mm.wider import (WIDER_SETTINGS, WiderGroundTruth,
                             evaluate_wider, load_wider_ground_truth,
                             plot_wider_pr_comparison, read_wider_predictions)
from qmimic_mm.wider.bootstrap import (BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED,
                                       BootstrapInterval, ImageCounts,
                                       image_counts, paired_bootstrap)
from .claims import AP_CLAIMS, TABLE_HEADER, check_all, sanity_line
from .paired import MARGIN, PAIRED_RULES, POWER
from .operating_points import (GRID_IMAGES, base_rate, shortcut_cells,
                               shortcut_table)
from .plan import (ABLATIONS, MATCHING_RATIO, QM_CONFIG, REPO, TEST_SPLIT,
                   VAL_SPLIT, Plan, config_changes, data_options)
from .runner import is_fresh
from .stats import KIND_RULES, Cell
from .tool_runner import ToolRunner, fmt_duration, format_options

#: Fig. 5 pairs: (stage, tag, legend label).
RATIO_PAIRS = (('mimic', 'fp', 'Li et al. mimic: fp teacher, fp student'),
               ('qmimic', 'quantized',
                'Quantization Mimic: Q(teacher), Q(student)'))

Cells = Dict[str, Dict[str, Cell]]

FAMILY_TITLES = {'rfcn': 'R-FCN', 'one-stage': 'one-stage, RTMDet'}
SCHEDULE_FILES = {
    'rfcn': '`teacher.py`, `teacher_continued.py`, `student.py`',
    'one-stage': '`one_stage_teacher.py`, `one_stage_teacher_continued.py`, '
    '`one_stage_student.py`'
}


def evaluate_runs(plan: Plan) -> Dict[str, WiderGroundTruth]:
    """WIDER easy / medium / hard AP and PR curves of every run on each of
    its splits, from the predictions the runs wrote (official layout).

    Returns:
        The ground truth of each split.
    """
    ground_truth: Dict[str, WiderGroundTruth] = {}
    for run in plan.runs.values():
        for split in run.stage.splits:
            if split not in ground_truth:
                ground_truth[split] = load_wider_ground_truth(
                    plan.settings.gt_dir, split)
            pred_dir = run.pred_dir(split)
            preds = read_wider_predictions(pred_dir) if osp.isdir(
                pred_dir) else {}
            run.predictions[split] = preds
            run.results[split] = evaluate_wider(preds, ground_truth[split])
    return ground_truth


def ap_cells(plan: Plan, split: str,
             seeds: Optional[Sequence[int]] = None) -> Cells:
    """``cells[stage key][setting]``: the AP of every seed's run (of the
    runs of ``seeds`` only, when given)."""
    keys = dict.fromkeys(r.stage.key for r in plan.runs.values()
                         if split in r.stage.splits)
    cells: Cells = {}
    for key in keys:
        runs = [r for r in plan.of(key) if seeds is None or r.seed in seeds]
        cells[key] = {
            s: Cell([float(r.results[split][s]) for r in runs],
                    tuple(r.seed for r in runs))
            for s in WIDER_SETTINGS
        }
    return cells


def image_bootstraps(
        plan: Plan, ground_truth: Mapping[str, WiderGroundTruth]
) -> Dict[str, Dict[str, BootstrapInterval]]:
    """With one seed: the paired bootstrap over the test images of every AP
    claim whose two models were trained (``'<a>-<b>'`` -> setting ->
    interval); empty with more seeds, where the interval is over seeds."""
    settings = plan.settings
    if settings.seeds != 1 or TEST_SPLIT not in ground_truth:
        return {}
    gt = ground_truth[TEST_SPLIT]
    counts: Dict[str, ImageCounts] = {}

    def counts_of(key: str) -> ImageCounts:
        if key not in counts:
            run = plan.get(key, settings.seed)
            counts[key] = image_counts(run.predictions[TEST_SPLIT], gt)
        return counts[key]

    trained = {r.stage.key for r in plan.runs.values()
               if TEST_SPLIT in r.predictions}
    return {
        f'{c.a}-{c.b}': paired_bootstrap(counts_of(c.a), counts_of(c.b))
        for c in AP_CLAIMS if c.a in trained and c.b in trained
    }


def matching_ratios(plan: Plan,
                    tools: ToolRunner) -> Tuple[Dict[str, Cell], List[str]]:
    """Fig. 5 on the test split, per seed: the per-RoI ratios of the fp pair
    (mimic) and of the quantized pair (QM); the QM call draws both into one
    histogram.

    Returns:
        The mean ratio of each pair over seeds, and the histograms.
    """
    settings = plan.settings
    means: Dict[str, List[float]] = {tag: [] for _, tag, _ in RATIO_PAIRS}
    figures: List[str] = []
    if not all(plan.of(key) for key, _, _ in RATIO_PAIRS):
        return {}, figures  # --claims without both mimic students
    for seed in settings.seed_list:
        seed_dir = osp.join(settings.work_dir, f'seed{seed}')
        files = {tag: osp.join(seed_dir, f'matching_ratio_{tag}.npy')
                 for _, tag, _ in RATIO_PAIRS}
        out = osp.join(seed_dir, 'matching_ratio.png')
        for key, tag, label in RATIO_PAIRS:
            run = plan.get(key, seed)
            npy = files[tag]
            if settings.skip_existing and is_fresh(npy, run.checkpoint) \
                    and is_fresh(out, npy):
                continue
            cmd = [run.stage.config, run.checkpoint, '--label', label,
                   '--save-ratios', npy, '--out',
                   out if tag == 'quantized' else
                   osp.join(seed_dir, f'matching_ratio_{tag}.png')]
            if tag == 'quantized':
                cmd += ['--compare', f'{RATIO_PAIRS[0][2]}={files["fp"]}']
            cmd += format_options(
                data_options(settings, ('test_dataloader', ), ()))
            tools.run(MATCHING_RATIO, cmd,
                      osp.join(run.work_dir, 'matching_ratio.log'),
                      f'[report {run.id}]')
        for tag, npy in files.items():
            ratios = np.load(npy)
            means[tag].append(float(ratios.mean()) if len(ratios) else
                              float('nan'))
        figures.append(out)
    return {tag: Cell(values, tuple(settings.seed_list))
            for tag, values in means.items()}, figures


def plot_pr(plan: Plan) -> List[str]:
    """PR curves on test of the first seed, one figure per setting with
    every model."""
    seed = plan.settings.seed
    results = {
        run.stage.title: run.results[TEST_SPLIT]
        for run in plan.runs.values()
        if TEST_SPLIT in run.results and run.seed == seed
    }
    return plot_wider_pr_comparison(
        results, plan.settings.work_dir, file_prefix='pr',
        title=f'Demo faces test (seed {seed}), AP in the legend')


def _spread_note(seeds: int) -> str:
    if seeds < 2:
        return ('1 seed: single values, no spread (run `--seeds 3` for '
                'mean ± std).')
    return (f'Mean ± sample std (ddof=1) over {seeds} seeds; the fp base '
            'teacher is trained once.')


def _claims_note(seeds: int) -> List[str]:
    if seeds < 2:
        basis = (
            'With one seed the interval is a paired bootstrap over the test '
            f'images ({BOOTSTRAP_RESAMPLES} resamples, RNG seed '
            f'{BOOTSTRAP_SEED}; both models on the same resampled images): '
            'the image-sampling part of the uncertainty only, not the '
            'seed-to-seed spread, so its verdicts read "on image sampling '
            'only"; run `--seeds 8` for the interval over seeds.')
    else:
        basis = (
            f'The students of one seed are a pair (same data order, same '
            'initial weights where the architectures agree): the interval '
            'is the 95% t-interval of the per-seed differences a - b. '
            '"Seeds to resolve": the seeds at which a paired two-sided 5% '
            f't-test has {POWER:.0%} power for the observed mean difference '
            '(its distance to the rule\'s boundary) at the observed sd of '
            'the differences: the smallest n >= ((t(0.975, n-1) + t(0.8, '
            'n-1)) sd / |d|)^2.')
    return [
        f'"a > b" is held when, on every setting, {PAIRED_RULES["greater"]}'
        f'; "a >= b" when {PAIRED_RULES["not_less"]}; "no gain" when '
        f'{PAIRED_RULES["no_gain"]} (margin {MARGIN:g}: the smallest '
        'difference between methods the paper reports). ' + basis + ' The '
        'old rule (a claim holds when, on every setting, '
        f'{KIND_RULES["greater"]}, and so on, spread = std(a) + std(b)) is '
        'the last column, for reading earlier reports.', ''
    ]


def _model_table(plan: Plan, cells: Cells) -> List[str]:
    lines = [
        '| Model | Config | Iters | lr | Seeds | Easy | Medium | Hard |',
        '|---|---|---:|---:|---:|---:|---:|---:|'
    ]
    for stage in plan.stages:
        if stage.key not in cells:
            continue
        runs = plan.of(stage.key)
        aps = ' | '.join(cells[stage.key][s].format()
                         for s in WIDER_SETTINGS)
        lines.append(f'| {stage.title} | `{stage.config}` | '
                     f'{runs[0].max_iters} | {runs[0].lr:g} | {len(runs)} | '
                     f'{aps} |')
    return lines


def _ablation_table(cells: Cells) -> List[str]:
    """One row per variant trained: its change from the QM config (read
    from the two configs) and its val AP."""
    lines = [
        '| Variant | Change from the QM config | Easy | Medium | Hard |',
        '|---|---|---:|---:|---:|'
    ]
    rows = [('QM (default)', f'none: `{QM_CONFIG}`', 'qmimic')]
    trained = [a for a in ABLATIONS if a.stage().key in cells]
    if trained:
        qm = Config.fromfile(osp.join(REPO, QM_CONFIG)).to_dict()
    for ablation in trained:
        changes = config_changes(
            qm, Config.fromfile(osp.join(REPO, ablation.config)).to_dict())
        change = ', '.join(f'`{k.rsplit(".", 1)[-1]}={v}`'
                           for k, v in changes.items())
        rows.append((ablation.name, f'{ablation.description}: {change} '
                     f'(`{ablation.config}`)', ablation.stage().key))
    for name, change, key in rows:
        if key in cells:
            aps = ' | '.join(cells[key][s].format() for s in WIDER_SETTINGS)
            lines.append(f'| {name} | {change} | {aps} |')
    return lines


def _data_line(ground_truth: Mapping[str, WiderGroundTruth],
               splits: Sequence[str]) -> str:
    parts = []
    for split in splits:
        gt = ground_truth[split]
        faces = ', '.join(f'{s} {gt.num_faces(s)}' for s in WIDER_SETTINGS)
        parts.append(f'{split} {len(gt)} images (faces counted: {faces})')
    return '; '.join(parts)


def _device() -> str:
    import torch
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f'CPU only, {os.cpu_count()} cores'


def write_report(plan: Plan, ground_truth: Mapping[str, WiderGroundTruth],
                 ratios: Mapping[str, Cell], wall_s: float,
                 figures: Sequence[str], grid: Optional[str] = None) -> str:
    """Write ``<work_dir>/results.md``; return its text.

    Args:
        plan: The runs, evaluated (:func:`evaluate_runs`).
        ground_truth: Ground truth per split (from :func:`evaluate_runs`).
        ratios: Mean matching ratio per pair (:func:`matching_ratios`).
        wall_s: Wall time of this invocation.
        figures: Paths to list.
        grid: The detection grid PNG (:func:`.operating_points.write_grid`)
            to embed.
    """
    settings = plan.settings
    seeds = settings.seed_list
    test = ap_cells(plan, TEST_SPLIT)
    val = ap_cells(plan, VAL_SPLIT)
    lines = [
        f'# Quantization Mimic demo ({FAMILY_TITLES[settings.family]}): '
        'results', '',
        f'Synthetic faces in the WIDER FACE layout ({settings.data_root}); '
        'train, val and test use disjoint identities and scenes. '
        f'{_data_line(ground_truth, (TEST_SPLIT, VAL_SPLIT))}. Official WIDER '
        'protocol (IoU 0.5), AP per setting. Settings are chosen on val; the '
        'main table and the claims are on test.', '',
        f'Seeds {seeds[0]}..{seeds[-1]} ({len(seeds)}), iteration scale '
        f'{settings.iters_scale:g}, {settings.jobs} job(s), '
        f'{datetime.now():%Y-%m-%d %H:%M}, {platform.node()} ({_device()}); '
        f'**measured wall time {fmt_duration(wall_s)}** (this invocation'
        f'{", reusing finished stages" if settings.skip_existing else ""}). '
        f'Schedules: `configs/demo/_base_/` ({SCHEDULE_FILES[settings.family]}'
        ').', '',
        '## Test (main table)', '', _spread_note(len(seeds)), ''
    ]
    lines += _model_table(plan, test)
    verdicts = check_all(test, ratios, image_bootstraps(plan, ground_truth))
    lines += ['', '## Paper claims (test)', ''] + _claims_note(len(seeds))
    lines += [v.line() for v in verdicts]
    if 'scratch' in test:
        lines.append(sanity_line(test['scratch']['easy']))
    lines += ['', *TABLE_HEADER]
    lines += [row for v in verdicts for row in v.rows()]
    lines += [
        '', '## Faces or pasted patches? (test)', '',
        'Faces and non-face distractors are blended into the scenes the same '
        'way, so a detector that keyed on blending artefacts would fire on '
        'distractors as often as on faces. The distractor boxes are known '
        '(generator metadata, not ground truth). ' +
        _spread_note(len(seeds)), ''
    ]
    lines += shortcut_table(shortcut_cells(plan),
                            [(s.key, s.title) for s in plan.stages],
                            base_rate(plan))
    if grid:
        lines += [
            '', f'Seed {settings.seed}, the same {GRID_IMAGES} test '
            'images for every model; each draws its detections at its own '
            'val threshold:', '',
            f'![detections per model]({osp.relpath(grid, settings.work_dir)})'
        ]
    lines += ['', '## Val (model selection)', '', _spread_note(len(seeds)),
              '']
    lines += _model_table(plan, val)
    if any(run.stage.variant for run in plan.runs.values()):
        lines += [
            '', '## Ablation (val)', '',
            'Variants of the Quantization Mimic student, each trained with '
            'the same schedule on seeds '
            f'{", ".join(map(str, settings.ablation_seed_list))}, evaluated '
            'on val only; the default row uses the same seeds. ' +
            _spread_note(len(settings.ablation_seed_list)), ''
        ]
        lines += _ablation_table(
            ap_cells(plan, VAL_SPLIT, settings.ablation_seed_list))
    lines += ['', '## Figures', '']
    lines += [f'- `{osp.relpath(p, settings.work_dir)}`' for p in figures]
    text = '\n'.join(lines) + '\n'
    with open(osp.join(settings.work_dir, 'results.md'), 'w') as f:
        f.write(text)
    return text
