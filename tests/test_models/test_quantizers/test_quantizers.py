"""UniformQuantizer (Eq. 1-3) and PowerOfTwoQuantizer on hand-computed
cases."""
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


# ---------------------------------------------------------- calibration
def _calibrating(**kwargs):
    q = UniformQuantizer(levels=10, percentile=50, **kwargs)
    q.train()
    return q


def test_calibrated_stride_is_percentile_over_levels():
    q = _calibrating(calib_batches=2)
    x = torch.arange(1, 101, dtype=torch.float32)  # 50th percentile: 50
    out = q(x)
    assert q.stride == pytest.approx(5.0) and not q.is_calibrated
    assert out[:3].tolist() == [0., 0., 5.]  # 1, 2 -> 0; 3 -> 5 (> 2.5)
    q(3 * x)  # percentile 150; mean over the two batches: 100
    assert q.is_calibrated and q.stride == pytest.approx(10.0)
    q(100 * x)  # frozen: later batches change nothing
    assert q.stride == pytest.approx(10.0)


def test_calibrated_stride_survives_a_checkpoint(tmp_path):
    q = _calibrating(calib_batches=1)
    q(torch.arange(1, 101, dtype=torch.float32))
    path = tmp_path / 'q.pth'
    torch.save(q.state_dict(), path)
    fresh = UniformQuantizer(levels=10, percentile=50, calib_batches=1)
    fresh.load_state_dict(torch.load(path, weights_only=True))
    fresh.eval()
    assert fresh.is_calibrated and fresh.stride == pytest.approx(5.0)
    assert fresh(torch.tensor([7.4, 7.6])).tolist() == [5.0, 10.0]


def test_uncalibrated_quantizer_refuses_to_test():
    q = UniformQuantizer(levels=40).eval()
    with pytest.raises(RuntimeError, match='has not been calibrated.*'
                       'load a checkpoint'):
        q(torch.ones(3))


def test_all_zero_map_names_the_source_and_the_fix():
    q = _calibrating(calib_batches=1)
    q.calib_source = 'the teacher feature map of the mimic loss'
    with pytest.raises(ValueError, match=r'came out 0.*teacher feature map '
                       r'of the mimic loss.*teacher_ckpt'):
        q(torch.zeros(2, 3, 4, 4))


@pytest.mark.parametrize('levels', [0, -3, 2.5])
def test_bad_levels_are_refused(levels):
    with pytest.raises(ValueError, match='levels must be a positive integer'):
        MODELS.build(dict(type='UniformQuantizer', levels=levels))


def test_stride_and_levels_are_exclusive():
    with pytest.raises(ValueError, match='either `stride`.*or `levels`'):
        UniformQuantizer(stride=1.0, levels=40)


def test_power_of_two_calibrated_top_entry():
    q = PowerOfTwoQuantizer(max_exp=0, levels=3, percentile=50,
                            calib_batches=1).train()
    q(torch.arange(1, 101, dtype=torch.float32))  # top entry: 50
    x = torch.tensor([5.0, 10.0, 20.0, 30.0, 40.0, 80.0])
    # entries {0, 12.5, 25, 50}; midpoints 6.25, 18.75, 37.5
    assert q(x).tolist() == [0., 12.5, 25., 25., 50., 50.]


def test_adopt_scale_copies_a_frozen_scale_only():
    source = _calibrating(calib_batches=1)
    target = _calibrating(calib_batches=3)
    with pytest.raises(ValueError, match='source calibrated'):
        target.adopt_scale(source)  # source not calibrated yet
    source(torch.arange(1, 101, dtype=torch.float32))
    target.adopt_scale(source)
    assert target.is_calibrated and target.stride == pytest.approx(5.0)
    with pytest.raises(ValueError, match='levels set'):
        UniformQuantizer(stride=1.0).adopt_scale(source)


def test_signed_dictionary_keeps_the_negative_half():
    # s = 0.5: D = {..., -1, -0.5, 0, 0.5, ...}; midpoints go down on both
    # sides (-0.25 -> -0.5, 0.25 -> 0), as Eq. 1's half-open intervals say.
    q = UniformQuantizer(stride=0.5, signed=True)
    x = torch.tensor([-1.1, -0.25, -0.2, 0.25, 0.26, 0.9])
    assert q(x).tolist() == [-1.0, -0.5, 0.0, 0.0, 0.5, 1.0]
    clamped = UniformQuantizer(stride=0.5, signed=True, max_value=0.6)
    assert clamped(torch.tensor([-3.0, 3.0])).tolist() == [-0.5, 0.5]


def test_signed_calibration_spans_the_absolute_values():
    # levels 4 over the 100th percentile of |x| = 8: stride 2
    q = UniformQuantizer(levels=4, percentile=100, calib_batches=1,
                         signed=True)
    q.train()
    out = q(torch.tensor([-8.0, 1.0, 2.0]))
    assert q.stride == 2.0
    assert out.tolist() == [-8.0, 0.0, 2.0]
