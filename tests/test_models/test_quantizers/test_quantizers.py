"""UniformQuantizer (Eq. 1-3) and PowerOfTwoQuantizer on hand-computed cases."""
import pytest
import torch
from mmrazor.registry import MODELS

from qmimic_mm.models import PowerOfTwoQuantizer, UniformQuantizer


def test_stride_8_over_0_40_gives_only_the_dictionary():
    q = UniformQuantizer(stride=8)
    values = q(torch.linspace(0, 40, 4001))
    assert set(values.unique().tolist()) == {0., 8., 16., 24., 32., 40.}


def test_interval_edges_go_down():
    q = UniformQuantizer(stride=8)
    x = torch.tensor([4.0, 4.0001, 12.0, 12.0001, 3.9999, 20.0])
    assert q(x).tolist() == [0., 8., 8., 16., 0., 16.]


def test_paper_worked_example_and_negatives():
    q = UniformQuantizer(stride=1.0)
    assert q(torch.tensor([1.2, 2.2, 1.8, 0.5, 0.5001])).tolist() == \
        [1., 2., 2., 0., 1.]
    assert q(torch.tensor([-0.3, -7.0, 0.0])).tolist() == [0., 0., 0.]


def test_gradient_is_the_upstream_gradient():
    q = UniformQuantizer(stride=1.0)
    x = torch.tensor([-1.0, 0.2, 0.7, 3.4], requires_grad=True)
    upstream = torch.tensor([0.5, -2.0, 3.0, 7.0])
    q(x).backward(upstream)
    assert torch.equal(x.grad, upstream)


def test_tuple_input_as_a_neck_and_max_value():
    q = UniformQuantizer(stride=0.5, max_value=1.2)
    out = q((torch.tensor([0.3, 0.8, 9.0]), torch.tensor([0.24])))
    assert isinstance(out, tuple)
    assert out[0].tolist() == [0.5, 1.0, 1.0] and out[1].tolist() == [0.0]


@pytest.mark.parametrize('stride', [0, -1.0])
def test_bad_stride_is_refused(stride):
    with pytest.raises(ValueError, match=r'stride must be > 0.*stride=1\.0'):
        MODELS.build(dict(type='UniformQuantizer', stride=stride))


def test_power_of_two_levels():
    q = PowerOfTwoQuantizer(min_exp=-1, max_exp=3)  # {0, .5, 1, 2, 4, 8}
    x = torch.tensor([-3., 0.25, 0.2501, 0.75, 0.7501, 3.0, 3.01, 6.0, 6.01,
                      100.])
    assert q(x).tolist() == [0., 0., .5, .5, 1., 2., 4., 4., 8., 8.]
    y = torch.tensor([5.0], requires_grad=True)
    q(y).backward(torch.tensor([2.0]))
    assert y.grad.tolist() == [2.0]
    with pytest.raises(ValueError, match='min_exp'):
        PowerOfTwoQuantizer(min_exp=3, max_exp=1)
