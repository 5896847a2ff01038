"""The paper's claims, checked on the demo's test results over seeds:
the paired interval decides (:mod:`.paired`), the old rule
(:func:`~.stats.judge`) stays as a column."""
import math
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from qmimic_mm.wider.bootstrap import BootstrapInterval
from .paired import (MAX_SEEDS, PAIRED_RULES, PairedDiff, boundary_distance,
                     format_diffs, format_interval, holds, pair, seeds_needed)
from .stats import (HELD, KIND_RULES, NOT_HELD, NOT_TESTED, Cell, Comparison,
                    judge)

#: Scratch student's easy AP on test under which the students did not
#: really learn, and no comparison between them says much.
LEARNED_EASY_AP = 0.2


@dataclass(frozen=True)
class Claim:
    """A claim ``a <kind> b`` between two models (or pairs).

    Attributes:
        text: The claim, with where the paper makes it.
        a: Stage key (or matching-ratio pair) on the left.
        b: Stage key (or pair) on the right.
        kind: Rule of :data:`~.stats.KIND_RULES`.
        name: Its name on the command line (``tools/demo.py --claims``).
    """

    text: str
    a: str
    b: str
    kind: str
    name: str = ''


AP_CLAIMS = (
    Claim('Quantization Mimic > scratch (Tables 2, 3)', 'qmimic', 'scratch',
          'greater', 'qm-vs-scratch'),
    Claim('Quantization Mimic > mimic of Li et al. (Table 2)', 'qmimic',
          'mimic', 'greater', 'qm-vs-mimic'),
    Claim('Mimic of Li et al. > scratch (Table 2)', 'mimic', 'scratch',
          'greater', 'mimic-vs-scratch'),
    Claim('Quantized teacher >= fp teacher at equal iterations (Sec. 4.1, '
          'Table 4)', 'teacher_q', 'teacher_fp', 'not_less',
          'teacher-q-vs-fp'),
    Claim('Quantization only gives no gain over scratch (Table 5)', 'q_only',
          'scratch', 'no_gain', 'q-only-vs-scratch'),
)
RATIO_CLAIM = Claim(
    'Quantization raises the per-RoI matching ratio (Fig. 5): quantized '
    'pair (QM student, Q teacher) > fp pair (mimic student, fp teacher)',
    'quantized', 'fp', 'greater', 'matching-ratio')
#: The stages each claim compares, by name (the ratio claim: the students of
#: its two pairs).
CLAIM_STAGES: Dict[str, Tuple[str, ...]] = {
    **{c.name: (c.a, c.b) for c in AP_CLAIMS},
    RATIO_CLAIM.name: ('mimic', 'qmimic'),
}


#: Verdicts on one seed, from the bootstrap over the test images.
HELD_IMAGES = 'held on image sampling only'
NOT_HELD_IMAGES = 'not held on image sampling only'


@dataclass(frozen=True)
class SettingResult:
    """A claim on one setting: the cells, the paired differences, and with
    one seed the bootstrap over the test images.

    Attributes:
        comparison: The two cells (means, stds, the old rule).
        paired: The per-seed differences and their t-interval.
        bootstrap: The paired image bootstrap of the one seed's
            difference; None when not computed.
    """

    comparison: Comparison
    paired: PairedDiff
    bootstrap: Optional[BootstrapInterval] = None

    def interval(self) -> Tuple[float, float]:
        """The paired t-interval over seeds, or with one seed the
        bootstrap's (NaNs when neither exists)."""
        if self.paired.n >= 2 or self.bootstrap is None:
            return self.paired.interval
        return self.bootstrap.low, self.bootstrap.high

    def seeds_to_resolve(self, kind: str) -> Optional[int]:
        """Seeds that resolve the observed mean difference at the observed
        paired spread (:func:`~.paired.seeds_needed`); None below 2 seeds."""
        return seeds_needed(boundary_distance(self.paired.mean, kind),
                            self.paired.sd)


@dataclass(frozen=True)
class Verdict:
    """A claim checked on the results.

    Attributes:
        claim: The claim.
        verdict: On the paired interval over seeds (:data:`HELD`,
            :data:`NOT_HELD`), on the image bootstrap of one seed
            (:data:`HELD_IMAGES`, :data:`NOT_HELD_IMAGES`), or
            :data:`NOT_TESTED`.
        old_verdict: The old rule's (``diff > std(a) + std(b)``,
            :func:`~.stats.judge`), kept so earlier reports can be read.
        settings: Setting -> its :class:`SettingResult`.
    """

    claim: Claim
    verdict: str
    old_verdict: str
    settings: Mapping[str, SettingResult]

    @property
    def comparisons(self) -> Dict[str, Comparison]:
        """Setting -> the two cells."""
        return {k: r.comparison for k, r in self.settings.items()}

    def line(self) -> str:
        """One markdown bullet: verdict, claim, every number."""
        verdict = self.verdict
        if verdict == NOT_TESTED:
            verdict = f'{NOT_TESTED} (1 seed; run --seeds 3)'
        one_seed = verdict in (HELD_IMAGES, NOT_HELD_IMAGES)
        rule = PAIRED_RULES[self.claim.kind]
        if one_seed:
            rule = rule.replace('95% interval', '95% bootstrap interval over '
                                'the test images')
        parts = []
        for setting, res in self.settings.items():
            comp, paired = res.comparison, res.paired
            part = (f'{setting} {comp.a.format()} vs {comp.b.format()} '
                    f'(diff {comp.diff:+.3f}')
            if comp.a.n > 1 and comp.b.n > 1:
                part += f', spread {comp.spread:.3f}'
            low, high = res.interval()
            if paired.n >= 2:
                needed = res.seeds_to_resolve(self.claim.kind)
                part += (f', paired over {paired.n} seeds '
                         f'{format_interval(low, high)}, seeds to resolve '
                         f'{needed if needed else ">" + str(MAX_SEEDS)}')
            elif res.bootstrap is not None:
                part += (f', image bootstrap '
                         f'{format_interval(low, high)}')
            parts.append(part + ')')
        text = (f'- **{verdict}**: {self.claim.text}; held when {rule} on '
                'every setting. ' + '; '.join(parts) + '.')
        if self.old_verdict != NOT_TESTED:
            text += f' Old rule ({KIND_RULES[self.claim.kind]}): ' \
                f'{self.old_verdict}.'
        return text

    def rows(self) -> List[str]:
        """Markdown table rows, one per setting (:data:`TABLE_HEADER`)."""
        rows = []
        for setting, res in self.settings.items():
            comp, paired = res.comparison, res.paired
            low, high = res.interval()
            if paired.n >= 2:
                basis = f'seeds (t, n={paired.n})'
                needed = res.seeds_to_resolve(self.claim.kind)
                needed_text = str(needed) if needed else f'>{MAX_SEEDS}'
            elif res.bootstrap is not None:
                basis = (f'test images only (bootstrap, '
                         f'{res.bootstrap.resamples} resamples)')
                needed_text = 'n/a (1 seed)'
            else:
                basis, needed_text = 'n/a', 'n/a (1 seed)'
            interval = ('n/a' if math.isnan(low) else
                        format_interval(low, high))
            rows.append(
                f'| {self.claim.text} | {setting} | {comp.a.format()} | '
                f'{comp.b.format()} | {format_diffs(paired.diffs)} | '
                f'{comp.diff:+.3f} | {interval} | {basis} | {needed_text} | '
                f'{_old_cell(comp, self.claim.kind)} |')
        return rows


#: Header of :meth:`Verdict.rows`.
TABLE_HEADER = (
    '| Claim | Setting | a | b | a - b per seed | Mean a - b | 95% interval '
    '| Interval over | Seeds to resolve | Old rule (diff > std(a)+std(b)) |',
    '|---|---|---:|---:|---|---:|---|---|---:|---|')


def _old_cell(comp: Comparison, kind: str) -> str:
    if comp.a.n < 2 or comp.b.n < 2:
        return 'n/a (1 seed)'
    return (f'{HELD if comp.holds(kind) else NOT_HELD} (spread '
            f'{comp.spread:.3f})')


def _verdict(results: Mapping[str, SettingResult], kind: str) -> str:
    if all(r.paired.n >= 2 for r in results.values()):
        held = all(holds(*r.interval(), kind) for r in results.values())
        return HELD if held else NOT_HELD
    if all(r.paired.n == 1 and r.bootstrap is not None
           for r in results.values()):
        held = all(holds(*r.interval(), kind) for r in results.values())
        return HELD_IMAGES if held else NOT_HELD_IMAGES
    return NOT_TESTED


def check(claim: Claim, cells: Mapping[str, Mapping[str, Cell]],
          bootstrap: Optional[Mapping[str, BootstrapInterval]] = None
          ) -> Verdict:
    """Judge ``claim`` on ``cells[model][setting]``.

    Args:
        claim: The claim.
        cells: The values per model and setting, over seeds.
        bootstrap: Setting -> the paired image bootstrap of ``a - b``; used
            when there is one seed.
    """
    results = {}
    for setting, cell in cells[claim.b].items():
        comp = Comparison(cells[claim.a][setting], cell)
        results[setting] = SettingResult(
            comp, pair(comp.a, comp.b),
            bootstrap.get(setting) if bootstrap else None)
    return Verdict(claim, _verdict(results, claim.kind),
                   judge(dict((k, r.comparison) for k, r in results.items()),
                         claim.kind), results)


def check_all(ap: Mapping[str, Mapping[str, Cell]],
              ratio: Mapping[str, Cell],
              bootstraps: Optional[Mapping[
                  str, Mapping[str, BootstrapInterval]]] = None
              ) -> List[Verdict]:
    """Every claim whose models were trained: the AP claims on
    ``ap[stage][setting]`` (test split), the matching-ratio claim on
    ``ratio[pair]``.

    Args:
        ap: Cells per stage and setting.
        ratio: The mean matching ratio per pair, over seeds (may be empty).
        bootstraps: ``'<a>-<b>'`` (stage keys) -> setting -> the image
            bootstrap of the claim, for one seed.
    """
    bootstraps = bootstraps or {}
    verdicts = [check(c, ap, bootstraps.get(f'{c.a}-{c.b}'))
                for c in AP_CLAIMS if c.a in ap and c.b in ap]
    if RATIO_CLAIM.a in ratio and RATIO_CLAIM.b in ratio:
        per_pair: Dict[str, Dict[str, Cell]] = {
            pair_name: {'mean ratio': cell}
            for pair_name, cell in ratio.items()
        }
        verdicts.append(check(RATIO_CLAIM, per_pair))
    return verdicts


def sanity_line(scratch_easy: Cell) -> str:
    """Whether the students learned: the scratch student's easy AP."""
    ok = scratch_easy.mean >= LEARNED_EASY_AP
    return (f'- Sanity, students learned: scratch student easy AP on test '
            f'{scratch_easy.format()} (mean) >= {LEARNED_EASY_AP}: '
            f'**{"yes" if ok else "no"}**' +
            ('' if ok else ' — the students are undertrained, and the '
             'comparisons between them say little.'))
