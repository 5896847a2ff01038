"""Least-squares reconstruction of the next layer (He et al. 2017)."""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from qmimic_mm.pruning import reconstruct_weights, sample_conv_points


def test_reconstruction_reproduces_the_next_layer_on_kept_channels():
    # Y is produced by the kept channels through W_true: the fit returns it
    # and reproduces Y; with the other channels contributing too, the refit
    # is closer to Y than keeping the original weights of the kept ones.
    rng = np.random.default_rng(0)
    patches = rng.normal(size=(500, 6, 9))
    weight = rng.normal(size=(4, 6, 9))
    kept = [0, 2, 5]
    y_kept = np.einsum('pck,nck->pn', patches[:, kept], weight[:, kept])
    fit = reconstruct_weights(patches[:, kept], y_kept, 9)
    assert np.allclose(fit, weight[:, kept], atol=1e-8)

    # make the dropped channels correlated with the kept ones
    patches[:, 1] = 0.8 * patches[:, 0] + 0.2 * patches[:, 1]
    y_all = np.einsum('pck,nck->pn', patches, weight)
    refit = reconstruct_weights(patches[:, kept], y_all, 9)
    err_refit = np.linalg.norm(
        y_all - np.einsum('pck,nck->pn', patches[:, kept], refit))
    err_plain = np.linalg.norm(
        y_all - np.einsum('pck,nck->pn', patches[:, kept], weight[:, kept]))
    assert err_refit < 0.9 * err_plain  # 198 vs 229 here
    # the least-squares optimum: residual orthogonal to every kept input
    design = patches[:, kept].reshape(500, -1)
    residual = y_all - design @ refit.reshape(4, -1).T
    assert np.abs(design.T @ residual).max() < 1e-8 * np.abs(y_all).sum()


def test_sampled_patches_match_the_conv():
    # patches x weights at the sampled points == the conv's output there
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 5, 3, padding=1, bias=False)
    x = torch.randn(2, 3, 7, 9)
    y = conv(x).detach()
    index = torch.tensor([[0, 10, 62], [5, 33, 40]])
    patches, outs = sample_conv_points(x, y, conv, index)
    assert patches.shape == (6, 3, 9) and outs.shape == (6, 5)
    w = conv.weight.detach().view(5, 3, 9)
    assert torch.allclose(torch.einsum('pck,nck->pn', patches, w), outs,
                          atol=1e-5)
    # and the refit weights reproduce the conv on the kept input channels
    new = reconstruct_weights(patches[:, [0, 2]].double().numpy(),
                              outs.double().numpy(), 9)
    assert new.shape == (5, 2, 9)
    pruned = F.conv2d(x[:, [0, 2]], torch.from_numpy(new).float().view(
        5, 2, 3, 3), padding=1)
    assert pruned.shape == y.shape
