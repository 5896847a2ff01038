"""Paired statistics over seeds: the students of seed k are a pair.

Every student of one seed shares that seed's data order and, where the
architectures agree, the same initial weights
(:class:`~qmimic_mm.models.algorithms.QuantizationMimicDistill` initialises
its student from the RNG state its own build leaves, as a plain training
does). So a claim ``a vs b`` is judged on the per-seed differences
``d_k = a_k - b_k``: their mean, and the 95% t-interval
``mean ± t_{0.975, n-1} * sd / sqrt(n)`` (sd: sample std of the ``d_k``).

Verdicts on the interval ``[low, high]`` (:data:`PAIRED_RULES`):

* ``greater`` (a > b): ``low > 0``;
* ``not_less`` (a >= b, non-inferiority): ``low > -MARGIN``;
* ``no_gain`` (a gives no gain over b, equivalence): the interval lies
  inside ``± MARGIN``.

:data:`MARGIN` is 0.02 AP: the size of the smallest effect the paper
reports between its methods (Quantization Mimic over mimic, +1.9 to +3.9
AP), so a difference inside it is not one the paper would call a gain.
"""
import math
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

from scipy import stats as scipy_stats

from .stats import Cell

#: Coverage of the intervals.
LEVEL = 0.95
#: Power that :func:`seeds_needed` asks for.
POWER = 0.8
#: Equivalence / non-inferiority margin, AP (and matching-ratio) units.
MARGIN = 0.02
#: :func:`seeds_needed` gives up above this.
MAX_SEEDS = 10000

PAIRED_RULES: Dict[str, str] = {
    'greater': 'the 95% interval of the paired difference lies above 0',
    'not_less': f'the 95% interval lies above -{MARGIN:g}',
    'no_gain': f'the 95% interval lies inside ±{MARGIN:g}',
}


def t_quantile(q: float, df: int) -> float:
    """Quantile ``q`` of Student's t with ``df`` degrees of freedom."""
    return float(scipy_stats.t.ppf(q, df))


@dataclass(frozen=True)
class PairedDiff:
    """The per-seed differences ``a_k - b_k`` of one claim on one setting.

    Attributes:
        seeds: The seeds both cells have a value for.
        diffs: ``a - b`` per seed, in ``seeds`` order.
        level: Coverage of :attr:`interval`.
    """

    seeds: Tuple[int, ...]
    diffs: Tuple[float, ...]
    level: float = LEVEL

    @property
    def n(self) -> int:
        """Number of pairs."""
        return len(self.diffs)

    @property
    def mean(self) -> float:
        """Mean difference; NaN without pairs."""
        return math.fsum(self.diffs) / self.n if self.n else math.nan

    @property
    def sd(self) -> float:
        """Sample std of the differences (ddof=1); NaN below 2 pairs."""
        if self.n < 2:
            return math.nan
        mean = self.mean
        return math.sqrt(
            math.fsum((d - mean)**2 for d in self.diffs) / (self.n - 1))

    @property
    def interval(self) -> Tuple[float, float]:
        """``mean ± t_{(1+level)/2, n-1} * sd / sqrt(n)``; NaNs below 2
        pairs."""
        if self.n < 2:
            return math.nan, math.nan
        half = (t_quantile((1 + self.level) / 2, self.n - 1) * self.sd /
                math.sqrt(self.n))
        return self.mean - half, self.mean + half


def pair(a: Cell, b: Cell) -> PairedDiff:
    """The differences of two cells, paired by seed (by position when the
    cells carry no seeds); pairs with a NaN are left out.

    Raises:
        ValueError: Cells without seeds and of different lengths.
    """
    if a.seeds and b.seeds:
        b_of = dict(zip(b.seeds, b.values))
        pairs = [(s, va, b_of[s]) for s, va in zip(a.seeds, a.values)
                 if s in b_of]
    else:
        if a.n != b.n:
            raise ValueError(f'cannot pair {a.n} values with {b.n} without '
                             'their seeds')
        pairs = [(k, va, vb)
                 for k, (va, vb) in enumerate(zip(a.values, b.values))]
    pairs = [(s, va, vb) for s, va, vb in pairs
             if not (math.isnan(va) or math.isnan(vb))]
    return PairedDiff(tuple(s for s, _, _ in pairs),
                      tuple(va - vb for _, va, vb in pairs))


def holds(low: float, high: float, kind: str,
          margin: float = MARGIN) -> bool:
    """Whether the interval ``[low, high]`` of ``a - b`` supports the claim
    of ``kind`` (:data:`PAIRED_RULES`); False for a NaN interval."""
    if kind not in PAIRED_RULES:
        raise ValueError(f'unknown claim kind {kind!r}; choose from '
                         f'{list(PAIRED_RULES)}')
    if math.isnan(low) or math.isnan(high):
        return False
    if kind == 'greater':
        return low > 0
    if kind == 'not_less':
        return low > -margin
    return -margin < low and high < margin


def boundary_distance(mean: float, kind: str,
                      margin: float = MARGIN) -> float:
    """How far the mean difference is from the boundary the claim's
    interval must clear: 0 for ``greater``, ``-margin`` for ``not_less``,
    the nearer of ``± margin`` for ``no_gain``."""
    if kind == 'greater':
        return abs(mean)
    if kind == 'not_less':
        return abs(mean + margin)
    if kind == 'no_gain':
        return abs(margin - abs(mean))
    raise ValueError(f'unknown claim kind {kind!r}; choose from '
                     f'{list(PAIRED_RULES)}')


def seeds_needed(effect: float, sd: float, level: float = LEVEL,
                 power: float = POWER,
                 max_seeds: int = MAX_SEEDS) -> Optional[int]:
    """Seeds a paired t-test needs to resolve ``effect`` at spread ``sd``.

    The smallest n >= 2 with ``n >= ((t_{(1+level)/2, n-1} + t_{power, n-1})
    * sd / effect)^2``: the two-sided test at ``level`` has power ``power``
    for a true mean difference ``effect`` (Student's t quantiles at n-1
    degrees of freedom, the usual normal-approximation formula with t in
    place of z, iterated on n).

    Returns:
        n, or None when ``effect`` is 0, the inputs are NaN or n would
        exceed ``max_seeds``.
    """
    if math.isnan(effect) or math.isnan(sd) or effect == 0:
        return None
    if sd == 0:
        return 2
    for n in range(2, max_seeds + 1):
        df = n - 1
        need = ((t_quantile((1 + level) / 2, df) + t_quantile(power, df)) *
                sd / abs(effect))**2
        if n >= need:
            return n
    return None


def format_interval(low: float, high: float, digits: int = 3) -> str:
    """``'[+0.012, +0.046]'``."""
    return f'[{low:+.{digits}f}, {high:+.{digits}f}]'


def format_diffs(diffs: Sequence[float], digits: int = 3) -> str:
    """The per-seed differences, ``'+0.010 -0.004 +0.031'``."""
    return ' '.join(f'{d:+.{digits}f}' for d in diffs)
