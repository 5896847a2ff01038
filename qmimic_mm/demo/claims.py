"""The paper's claims, checked on the demo's test results over seeds."""
from dataclasses import dataclass
from typing import Dict, List, Mapping

from .stats import KIND_RULES, NOT_TESTED, Cell, Comparison, judge

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
    """

    text: str
    a: str
    b: str
    kind: str


AP_CLAIMS = (
    Claim('Quantization Mimic > scratch (Tables 2, 3)', 'qmimic', 'scratch',
          'greater'),
    Claim('Quantization Mimic > mimic of Li et al. (Table 2)', 'qmimic',
          'mimic', 'greater'),
    Claim('Mimic of Li et al. > scratch (Table 2)', 'mimic', 'scratch',
          'greater'),
    Claim('Quantized teacher >= fp teacher at equal iterations (Sec. 4.1, '
          'Table 4)', 'teacher_q', 'teacher_fp', 'not_less'),
    Claim('Quantization only gives no gain over scratch (Table 5)', 'q_only',
          'scratch', 'no_gain'),
)
RATIO_CLAIM = Claim(
    'Quantization raises the per-RoI matching ratio (Fig. 5): quantized '
    'pair (QM student, Q teacher) > fp pair (mimic student, fp teacher)',
    'quantized', 'fp', 'greater')


@dataclass(frozen=True)
class Verdict:
    """A claim checked on the results."""

    claim: Claim
    verdict: str
    comparisons: Mapping[str, Comparison]

    def line(self) -> str:
        """One markdown bullet: verdict, claim, every number."""
        verdict = self.verdict
        if verdict == NOT_TESTED:
            verdict = f'{NOT_TESTED} (1 seed; run --seeds 3)'
        parts = []
        for setting, comp in self.comparisons.items():
            part = (f'{setting} {comp.a.format()} vs {comp.b.format()} '
                    f'(diff {comp.diff:+.3f}')
            if comp.a.n > 1 and comp.b.n > 1:
                part += f', spread {comp.spread:.3f}'
            parts.append(part + ')')
        return (f'- **{verdict}**: {self.claim.text}; held when '
                f'{KIND_RULES[self.claim.kind]} on every setting. '
                + '; '.join(parts) + '.')


def check(claim: Claim, cells: Mapping[str, Mapping[str, Cell]]) -> Verdict:
    """Judge ``claim`` on ``cells[model][setting]``."""
    comparisons = {
        setting: Comparison(cells[claim.a][setting], cell)
        for setting, cell in cells[claim.b].items()
    }
    return Verdict(claim, judge(comparisons, claim.kind), comparisons)


def check_all(ap: Mapping[str, Mapping[str, Cell]],
              ratio: Mapping[str, Cell]) -> List[Verdict]:
    """Every claim: the AP claims on ``ap[stage][setting]`` (test split),
    the matching-ratio claim on ``ratio[pair]``."""
    verdicts = [check(c, ap) for c in AP_CLAIMS]
    per_pair: Dict[str, Dict[str, Cell]] = {
        pair: {'mean ratio': cell}
        for pair, cell in ratio.items()
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
