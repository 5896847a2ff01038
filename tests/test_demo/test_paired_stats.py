"""The demo's paired statistics (``projects/qmimic_demo``'s ``paired``) and
the claim verdicts built on them (``claims``), on hand-computed values."""
import math

import pytest

from projects.qmimic_demo.qmimic_demo.claims import (
    AP_CLAIMS, HELD_IMAGES, NOT_HELD_IMAGES, check, check_all)
from projects.qmimic_demo.qmimic_demo.paired import (
    MARGIN, boundary_distance, holds, pair, seeds_needed)
from projects.qmimic_demo.qmimic_demo.stats import (
    HELD, NOT_HELD, NOT_TESTED, Cell)
from qmimic_mm.wider.bootstrap import BootstrapInterval

SETTINGS = ('easy', 'medium', 'hard')
QM_OVER_SCRATCH = AP_CLAIMS[0]
Q_ONLY_NO_GAIN = AP_CLAIMS[4]
#: Student's t quantiles from a printed table.
T_975_3 = 3.1824


def test_paired_interval_on_hand_values():
    a = Cell([0.50, 0.55, 0.60, 0.52], (0, 1, 2, 3))
    b = Cell([0.45, 0.52, 0.50, 0.51], (0, 1, 2, 3))
    paired = pair(a, b)
    assert paired.diffs == pytest.approx((0.05, 0.03, 0.10, 0.01))
    assert paired.mean == pytest.approx(0.0475)
    # squared deviations 0.0025^2 + 0.0175^2 + 0.0525^2 + 0.0375^2 =
    # 0.004475; / 3 -> sd 0.0386221
    assert paired.sd == pytest.approx(math.sqrt(0.004475 / 3))
    half = T_975_3 * math.sqrt(0.004475 / 3) / 2
    low, high = paired.interval
    assert low == pytest.approx(0.0475 - half, abs=1e-4)
    assert high == pytest.approx(0.0475 + half, abs=1e-4)
    assert low == pytest.approx(-0.01396, abs=1e-4)
    assert not holds(low, high, 'greater')  # the interval straddles 0


def test_pairing_follows_the_seeds_not_the_order():
    a = Cell([0.6, 0.5, 0.7], (2, 0, 1))
    b = Cell([0.4, 0.55, 0.45], (0, 1, 2))
    paired = pair(a, b)
    assert paired.seeds == (2, 0, 1)
    assert paired.diffs == pytest.approx((0.6 - 0.45, 0.5 - 0.4, 0.7 - 0.55))
    # a seed missing on one side drops out, and so does a NaN
    short = pair(Cell([0.6, math.nan, 0.7], (0, 1, 2)),
                 Cell([0.5, 0.5], (0, 2)))
    assert short.seeds == (0, 2) and short.n == 2
    assert math.isnan(pair(Cell([0.5]), Cell([0.4])).interval[0])
    with pytest.raises(ValueError, match='cannot pair 2 values with 1'):
        pair(Cell([0.5, 0.6]), Cell([0.4]))


def test_rules_on_the_interval():
    assert holds(0.001, 0.05, 'greater')
    assert not holds(-0.001, 0.05, 'greater')
    assert holds(-0.019, 0.01, 'not_less')
    assert not holds(-0.021, 0.01, 'not_less')
    assert holds(-0.019, 0.019, 'no_gain')
    assert not holds(-0.01, 0.021, 'no_gain')  # a gain of 0.021 is possible
    assert not holds(math.nan, 0.01, 'greater')
    with pytest.raises(ValueError, match='unknown claim kind'):
        holds(0, 1, 'bigger')
    assert MARGIN == 0.02
    assert boundary_distance(-0.03, 'greater') == pytest.approx(0.03)
    assert boundary_distance(0.0, 'not_less') == pytest.approx(0.02)
    assert boundary_distance(0.005, 'no_gain') == pytest.approx(0.015)


def test_seeds_needed_on_a_hand_case():
    """Effect 0.03 at sd 0.03: n = 9 needs ((2.3060 + 0.8889) * 1)^2 =
    10.21 > 9 (t table, 8 df); n = 10 needs (2.2622 + 0.8834)^2 = 9.89 <= 10
    (9 df). The normal approximation would say (1.960 + 0.842)^2 = 7.85,
    i.e. 8."""
    assert seeds_needed(0.03, 0.03) == 10
    # half the effect: about four times the seeds; n = 34 needs
    # (2.0345 + 0.8526)^2 * 4 = 33.34 (33 df), n = 33 needs 33.41 > 33
    assert seeds_needed(0.015, 0.03) == 34
    assert seeds_needed(0.0, 0.03) is None
    assert seeds_needed(0.03, math.nan) is None
    assert seeds_needed(1e-6, 0.1) is None  # beyond MAX_SEEDS


def _cells(a, b, seeds):
    return {
        'qmimic': {s: Cell(a, seeds) for s in SETTINGS},
        'scratch': {s: Cell(b, seeds) for s in SETTINGS},
        'q_only': {s: Cell(a, seeds) for s in SETTINGS},
    }


def test_paired_verdict_differs_from_the_old_rule():
    """Seeds move both students together: the differences are steady
    (+0.04 ± 0.005) although each cell spreads by 0.1. Paired: held; the
    old rule (diff 0.04 < spread 0.2): not held."""
    a, b = [0.50, 0.60, 0.70, 0.40], [0.46, 0.565, 0.655, 0.36]
    verdict = check(QM_OVER_SCRATCH, _cells(a, b, (0, 1, 2, 3)))
    assert verdict.verdict == HELD
    assert verdict.old_verdict == NOT_HELD
    res = verdict.settings['easy']
    assert res.paired.diffs == pytest.approx((0.04, 0.035, 0.045, 0.04))
    assert res.interval()[0] > 0
    line = verdict.line()
    assert line.startswith('- **held**: Quantization Mimic > scratch')
    assert 'paired over 4 seeds [+' in line and 'Old rule' in line
    row = verdict.rows()[0]
    assert '| +0.040 +0.035 +0.045 +0.040 | +0.040 |' in row
    assert 'seeds (t, n=4)' in row and 'not held (spread 0.' in row
    # seeds to resolve: (sd / d)^2 = (0.004082 / 0.04)^2 = 0.0104; n = 2
    # needs (12.706 + 1.376)^2 * 0.0104 = 2.06 > 2, n = 3 needs
    # (4.303 + 1.061)^2 * 0.0104 = 0.30
    assert res.seeds_to_resolve('greater') == 3


def test_one_seed_uses_the_image_bootstrap_and_says_so():
    cells = _cells([0.6], [0.5], (0, ))
    boot = {s: BootstrapInterval(0.1, 0.03, 0.17, 0.95, 1000)
            for s in SETTINGS}
    verdicts = check_all(cells, {}, {'qmimic-scratch': boot})
    by_claim = {(v.claim.a, v.claim.b): v for v in verdicts}
    assert set(by_claim) == {('qmimic', 'scratch'), ('q_only', 'scratch')}
    qm = by_claim[('qmimic', 'scratch')]
    assert qm.verdict == HELD_IMAGES and qm.old_verdict == NOT_TESTED
    assert qm.line().startswith('- **held on image sampling only**: ')
    assert 'image bootstrap [+0.030, +0.170]' in qm.line()
    assert 'test images only (bootstrap, 1000 resamples)' in qm.rows()[0]
    assert 'n/a (1 seed)' in qm.rows()[0]
    # no bootstrap given for Q-only: not tested
    assert by_claim[('q_only', 'scratch')].verdict == NOT_TESTED
    within = {s: BootstrapInterval(0.0, -0.03, 0.01, 0.95, 1000)
              for s in SETTINGS}
    assert check(Q_ONLY_NO_GAIN, cells, within).verdict == NOT_HELD_IMAGES
    assert check(QM_OVER_SCRATCH, cells, within).verdict == NOT_HELD_IMAGES
