"""Molchanov et al.'s Taylor criterion on hand-computed cases."""
import pytest
import torch
from torch import nn

from qmimic_mm.pruning import TaylorCriterion, taylor_scores


def test_taylor_scores_hand_case():
    # one example, two channels of 1 x 2 positions
    act = torch.tensor([[[[1., 3.]], [[2., -2.]]]])
    grad = torch.tensor([[[[0.5, -1.]], [[1., 1.]]]])
    # channel 0: |(0.5 - 3) / 2| = 1.25; channel 1: |(2 - 2) / 2| = 0
    assert taylor_scores(act, grad).tolist() == [[1.25, 0.0]]
    with pytest.raises(ValueError, match='differ in shape'):
        taylor_scores(act, grad[:, :1])


def test_criterion_hooks_activation_times_gradient():
    # z (2 channels) -> 1x1 conv with weights w -> loss = sum(output):
    # dC/dz_k = w_k everywhere, so Theta_k = |mean(z_k)| * |w_k|.
    reader = nn.Conv2d(2, 1, 1, bias=False)
    with torch.no_grad():
        reader.weight.copy_(torch.tensor([2., -0.5]).view(1, 2, 1, 1))
    z = torch.tensor([[[[1., 3.]], [[4., 0.]]],
                      [[[0., 1.]], [[2., 2.]]]], requires_grad=True)
    mask = torch.ones(2, dtype=torch.bool)
    criterion = TaylorCriterion({'z': [reader]}, {'z': lambda: mask})
    with criterion:
        reader(z * 1.0).sum().backward()
    # example means: ch0 2.0, 0.5; ch1 2.0, 2.0 -> Theta = (4 + 1) / 2,
    # (1 + 1) / 2
    raw = criterion.scores(normalize=False)['z']
    assert raw.tolist() == pytest.approx([2.5, 1.0])
    norm = criterion.scores()['z']
    assert norm.tolist() == pytest.approx([2.5 / 7.25**0.5, 1 / 7.25**0.5])
    assert criterion.examples['z'] == 2
    # hooks removed on exit: another backward adds nothing
    reader(z).sum().backward()
    assert criterion.scores(normalize=False)['z'].tolist() == \
        pytest.approx([2.5, 1.0])
    criterion.reset()
    assert criterion.scores() == {}


def test_shared_activation_counted_once_with_total_gradient():
    # one tensor read by two convs (conv5_3 -> RPN and R-FCN): the total
    # gradient w_a + w_b, once
    a, b = nn.Conv2d(1, 1, 1, bias=False), nn.Conv2d(1, 1, 1, bias=False)
    with torch.no_grad():
        a.weight.fill_(1.)
        b.weight.fill_(2.)
    z = torch.full((1, 1, 2, 2), 3., requires_grad=True)
    mask = torch.ones(1, dtype=torch.bool)
    criterion = TaylorCriterion({'z': [a, b]}, {'z': lambda: mask})
    with criterion:
        h = z * 1.0
        (a(h).sum() + b(h).sum()).backward()
    assert criterion.scores(normalize=False)['z'].tolist() == [9.0]
    assert criterion.examples['z'] == 1


def test_masked_channels_get_zero_score():
    reader = nn.Conv2d(1, 1, 1, bias=False)  # sees the 1 active channel
    with torch.no_grad():
        reader.weight.fill_(1.)
    mask = torch.tensor([False, True, False])
    criterion = TaylorCriterion({'u': [reader]}, {'u': lambda: mask})
    with criterion:
        reader(torch.full((1, 1, 1, 1), 2., requires_grad=True) * 1.0).sum(
        ).backward()
    assert criterion.scores(normalize=False)['u'].tolist() == [0., 2., 0.]
