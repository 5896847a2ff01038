"""Mean ± std over seeds, and the old rule that decided whether a claim
held.

A claim compares two cells (e.g. the QM student's and the scratch
student's easy AP over the seeds). Under the *old rule* its spread is
``std_a + std_b`` (sample standard deviations, ddof=1), and a difference
counts only when it exceeds the spread; with fewer than two values in a
cell there is no spread, so the claim is not tested. The report now decides
on the paired interval (:mod:`.paired`) and keeps this rule as a column.
"""
import math
from dataclasses import dataclass, field
from typing import Dict, Mapping, Sequence

#: Verdicts of :func:`judge`.
HELD, NOT_HELD, NOT_TESTED = 'held', 'not held', 'not tested'

#: Claim kinds: how the difference ``a - b`` must compare with the spread.
#: ``greater``: a > b beyond the spread; ``not_less``: a is not below b by
#: more than the spread; ``no_gain``: a is not above b by more than it.
KIND_RULES: Dict[str, str] = {
    'greater': 'mean(a) - mean(b) > spread',
    'not_less': 'mean(a) - mean(b) >= -spread',
    'no_gain': 'mean(a) - mean(b) <= spread',
}


@dataclass(frozen=True)
class Cell:
    """Values of one table cell over seeds.

    Attributes:
        values: One value per seed (NaN where a model has no result).
        seeds: The seed of each value (pairs the cells of one claim);
            empty when unknown, and cells are then paired by position.
    """

    values: Sequence[float]
    seeds: Sequence[int] = field(default_factory=tuple)

    @property
    def n(self) -> int:
        """Number of values."""
        return len(self.values)

    @property
    def mean(self) -> float:
        """Mean; NaN when empty."""
        return math.fsum(self.values) / self.n if self.n else math.nan

    @property
    def std(self) -> float:
        """Sample standard deviation (ddof=1); NaN for fewer than two."""
        if self.n < 2:
            return math.nan
        mean = self.mean
        return math.sqrt(
            math.fsum((v - mean)**2 for v in self.values) / (self.n - 1))

    def format(self, digits: int = 3) -> str:
        """``'0.512 ± 0.013'``, or the single value with one seed."""
        if not self.n or math.isnan(self.mean):
            return 'n/a'
        if self.n < 2:
            return f'{self.mean:.{digits}f}'
        return f'{self.mean:.{digits}f} ± {self.std:.{digits}f}'


@dataclass(frozen=True)
class Comparison:
    """One setting of a claim: cell ``a`` against cell ``b``."""

    a: Cell
    b: Cell

    @property
    def diff(self) -> float:
        """``mean(a) - mean(b)``."""
        return self.a.mean - self.b.mean

    @property
    def spread(self) -> float:
        """``std(a) + std(b)``; NaN when either has fewer than two values."""
        return self.a.std + self.b.std

    def holds(self, kind: str) -> bool:
        """Whether the difference passes the rule of ``kind``."""
        diff, spread = self.diff, self.spread
        if math.isnan(diff) or math.isnan(spread):
            return False
        if kind == 'greater':
            return diff > spread
        if kind == 'not_less':
            return diff >= -spread
        if kind == 'no_gain':
            return diff <= spread
        raise ValueError(f'unknown claim kind {kind!r}; choose from '
                         f'{list(KIND_RULES)}')


def judge(comparisons: Mapping[str, Comparison], kind: str) -> str:
    """The verdict of a claim over its settings (easy / medium / hard).

    Returns:
        :data:`NOT_TESTED` when a cell has fewer than two values,
        :data:`HELD` when every setting passes the rule of ``kind``
        (:data:`KIND_RULES`), else :data:`NOT_HELD`.
    """
    if kind not in KIND_RULES:
        raise ValueError(f'unknown claim kind {kind!r}; choose from '
                         f'{list(KIND_RULES)}')
    if any(c.a.n < 2 or c.b.n < 2 for c in comparisons.values()):
        return NOT_TESTED
    held = all(c.holds(kind) for c in comparisons.values())
    return HELD if held else NOT_HELD
