"""DistillLossWarmupHook: the ramp of lambda and its bad-config errors."""
import pytest
from mmengine.registry import HOOKS

from qmimic_mm.engine import DistillLossWarmupHook


def test_weight_at_zero_half_and_full_warmup():
    hook = DistillLossWarmupHook(warmup_iters=400)
    assert hook.factor(0) == 0.0
    assert hook.factor(200) == pytest.approx(0.5)
    assert hook.factor(400) == 1.0
    assert hook.factor(10000) == 1.0


@pytest.mark.parametrize('iters', [0, -5, 1.5])
def test_bad_length_is_refused_at_build(iters):
    with pytest.raises(ValueError, match='warmup_iters must be an integer'):
        HOOKS.build(dict(type='DistillLossWarmupHook', warmup_iters=iters))
