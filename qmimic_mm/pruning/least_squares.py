"""Least-squares reconstruction of a pruned conv (He et al., ICCV 2017)."""
import numpy as np
from scipy.linalg import lstsq


def reconstruct_weights(patches: np.ndarray, target: np.ndarray,
                        kernel: int) -> np.ndarray:
    """New weights of a conv that sees only the kept input channels.

    He, Zhang, Sun (ICCV 2017), Eq. 2 with ``beta`` fixed: the weights
    ``W'`` minimising ``||Y - X' W'^T||_F^2``, ``X'`` the kept channels'
    sampled input patches and ``Y`` the *original* network's outputs at the
    same points (so the error of earlier pruned layers is compensated).
    Solved with ``scipy.linalg.lstsq``.

    Args:
        patches (np.ndarray): (N, c', kh * kw) patches of the kept channels.
        target (np.ndarray): (N, n) outputs to reproduce (without bias).
        kernel (int): ``kh * kw``.

    Returns:
        np.ndarray: (n, c', kh * kw) weights.
    """
    num, kept, k = patches.shape
    if k != kernel:
        raise ValueError(f'patches have {k} taps per channel, expected '
                         f'{kernel}')
    if target.shape[0] != num:
        raise ValueError(f'{num} patches but {target.shape[0]} targets')
    design = patches.reshape(num, kept * k).astype(np.float64)
    solution, *_ = lstsq(design, target.astype(np.float64),
                         lapack_driver='gelsd')
    return solution.T.reshape(target.shape[1], kept, k)


__all__ = ['reconstruct_weights']
