"""LASSO channel selection of He et al. (ICCV 2017), with scikit-learn."""
from typing import Tuple

import numpy as np
from sklearn.linear_model import lasso_path


def channel_contributions(patches: np.ndarray,
                          weight: np.ndarray) -> np.ndarray:
    """``Z_i = X_i W_i^T``: what each input channel adds to the output.

    He, Zhang, Sun, "Channel Pruning for Accelerating Very Deep Neural
    Networks" (ICCV 2017), Eq. 1: a conv's output at a sampled point is
    ``Y = sum_i X_i W_i^T`` over its ``c`` input channels, ``X_i`` the
    ``kh * kw`` input patch of channel ``i`` and ``W_i`` its ``n x kh kw``
    weights. Eq. 2 normalises each ``W_i`` to unit Frobenius norm; that is
    done here, so the LASSO's weights ``beta`` compare channels fairly.

    Args:
        patches (np.ndarray): (N, c, kh * kw) sampled input patches.
        weight (np.ndarray): (n, c, kh * kw) conv weights.

    Returns:
        np.ndarray: (N * n, c): column ``i`` is ``Z_i`` flattened.
    """
    if patches.shape[1:] != weight.shape[1:]:
        raise ValueError(f'patches {patches.shape} and weight {weight.shape} '
                         'differ in (c, kh*kw)')
    norms = np.linalg.norm(weight.reshape(weight.shape[0], weight.shape[1],
                                          -1), axis=(0, 2))
    unit = weight / np.maximum(norms, 1e-12)[None, :, None]
    # (N, c, k) x (n, c, k) -> (N, n, c)
    contrib = np.einsum('pck,nck->pnc', patches, unit, optimize=True)
    return contrib.reshape(-1, patches.shape[1])


def lasso_select_channels(design: np.ndarray, target: np.ndarray,
                          num_keep: int,
                          num_alphas: int = 60) -> Tuple[np.ndarray,
                                                         np.ndarray]:
    """Pick ``num_keep`` input channels by LASSO (He et al. 2017, Eq. 2-3).

    Solves ``min_beta 1/(2M) ||Y - sum_i beta_i Z_i||^2 + alpha ||beta||_1``
    (scikit-learn's ``lasso_path``, coordinate descent on the precomputed
    Gram matrix) along a decreasing path of ``alpha``; as in the paper,
    ``alpha`` is raised until at most ``num_keep`` betas are non-zero: the
    first point of the path (largest ``alpha``) with at least ``num_keep``
    non-zero betas is taken and its ``num_keep`` largest ``|beta|`` are
    kept.

    Args:
        design (np.ndarray): (M, c) contributions ``Z`` (see
            :func:`channel_contributions`).
        target (np.ndarray): (M,) the outputs ``Y`` to reproduce.
        num_keep (int): Channels to keep, ``1 <= num_keep <= c``.
        num_alphas (int): Points on the regularisation path.

    Returns:
        tuple: sorted indices of the kept channels, and ``beta`` (c,) at
        the chosen ``alpha``.
    """
    design = np.asarray(design, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64).ravel()
    channels = design.shape[1]
    if not 1 <= num_keep <= channels:
        raise ValueError(f'num_keep must be in 1..{channels}, got {num_keep}')
    if num_keep == channels:
        return np.arange(channels), np.ones(channels)
    gram = design.T @ design
    xy = design.T @ target
    _, coefs, _ = lasso_path(design, target, alphas=num_alphas, eps=1e-4,
                             precompute=gram, Xy=xy, max_iter=5000)
    nonzero = (np.abs(coefs) > 0).sum(axis=0)
    reached = np.nonzero(nonzero >= num_keep)[0]
    beta = coefs[:, reached[0] if len(reached) else -1]
    order = np.argsort(-np.abs(beta), kind='stable')
    return np.sort(order[:num_keep]), beta


__all__ = ['channel_contributions', 'lasso_select_channels']
