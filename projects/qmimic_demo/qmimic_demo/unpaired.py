"""Unpaired statistics: two groups of seeds that do not form pairs.

The R-FCN and the one-stage students of seed k share the data and the data
order, but not a single weight, so a comparison across families is not
paired (:mod:`.paired`). The difference of the two means gets Welch's
interval ``d ± t_{0.975, df} * se``, with ``se^2 = s_a^2 / n_a +
s_b^2 / n_b`` and the Welch-Satterthwaite ``df = se^4 / ((s_a^2 / n_a)^2 /
(n_a - 1) + (s_b^2 / n_b)^2 / (n_b - 1))``, which does not assume equal
spreads (they differ several-fold between the families' students).
"""
import math
from dataclasses import dataclass
from typing import Tuple

from scipy import stats as scipy_stats

from .paired import LEVEL
from .stats import Cell


def _finite(cell: Cell) -> Cell:
    """The cell without its NaNs (a model without a result)."""
    return Cell([v for v in cell.values if not math.isnan(v)])


@dataclass(frozen=True)
class WelchDiff:
    """``mean(a) - mean(b)`` of two independent groups, NaNs left out.

    Attributes:
        a: The first group's values over its seeds.
        b: The second group's.
        level: Coverage of :attr:`interval`.
    """

    a: Cell
    b: Cell
    level: float = LEVEL

    @property
    def mean(self) -> float:
        """Difference of the means."""
        return _finite(self.a).mean - _finite(self.b).mean

    @property
    def df(self) -> float:
        """Welch-Satterthwaite degrees of freedom; NaN below 2 values in a
        group or without spread in both."""
        a, b = _finite(self.a), _finite(self.b)
        va, vb = self._variances
        if math.isnan(va + vb) or va + vb == 0:
            return math.nan
        return (va + vb)**2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))

    @property
    def interval(self) -> Tuple[float, float]:
        """``mean ± t_{(1+level)/2, df} * se``; NaNs where :attr:`df` is."""
        df = self.df
        if math.isnan(df):
            return math.nan, math.nan
        half = (float(scipy_stats.t.ppf((1 + self.level) / 2, df)) *
                math.sqrt(sum(self._variances)))
        return self.mean - half, self.mean + half

    @property
    def _variances(self) -> Tuple[float, float]:
        """``s_a^2 / n_a`` and ``s_b^2 / n_b``."""
        a, b = _finite(self.a), _finite(self.b)
        return a.std**2 / a.n, b.std**2 / b.n
