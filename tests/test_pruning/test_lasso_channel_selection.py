"""He et al.'s LASSO channel selection on a layer whose answer is known."""
import numpy as np
import pytest

from qmimic_mm.pruning import channel_contributions, lasso_select_channels


def _layer(seed=0, num=400, channels=10, outputs=6, taps=9):
    rng = np.random.default_rng(seed)
    patches = rng.normal(size=(num, channels, taps))
    weight = rng.normal(size=(outputs, channels, taps))
    return rng, patches, weight


def test_channel_contributions_sum_to_the_conv_output():
    _, patches, weight = _layer()
    design = channel_contributions(patches, weight)
    norms = np.linalg.norm(weight, axis=(0, 2))
    # Y = sum_i ||W_i|| Z_i (Z_i uses the unit-norm W_i of Eq. 2)
    y = np.einsum('pck,nck->pn', patches, weight).reshape(-1)
    assert np.allclose(design @ norms, y)


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_lasso_recovers_the_informative_channels(seed):
    # The next layer's output depends only on channels 1, 4, 7 (the other
    # channels' weights are real, but their contribution is absent from Y).
    rng, patches, weight = _layer(seed)
    informative = [1, 4, 7]
    y = np.einsum('pck,nck->pn', patches[:, informative],
                  weight[:, informative])
    y += 0.05 * rng.normal(size=y.shape)
    design = channel_contributions(patches, weight)
    kept, beta = lasso_select_channels(design, y.reshape(-1), 3)
    assert kept.tolist() == informative
    others = np.delete(np.abs(beta), informative)
    assert np.abs(beta[informative]).min() > 10 * max(others.max(), 1e-9)


def test_keep_all_and_bad_counts():
    _, patches, weight = _layer()
    design = channel_contributions(patches, weight)
    y = design.sum(1)
    assert lasso_select_channels(design, y, 10)[0].tolist() == list(range(10))
    with pytest.raises(ValueError, match=r'num_keep must be in 1..10, got 0'):
        lasso_select_channels(design, y, 0)
