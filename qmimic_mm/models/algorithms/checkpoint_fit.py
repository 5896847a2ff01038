"""Loading a detector's weights into a model an algorithm wraps (the
distillation teacher, the network to prune): safe, strict, and with errors
that name the config key."""
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Sequence

import torch
from mmengine.runner.checkpoint import _load_checkpoint

from qmimic_mm.utils.errors import name_checkpoint_key


def read_state_dict(path: str, key: str, how_to_make: str
                    ) -> Dict[str, torch.Tensor]:
    """The state dict of the checkpoint at ``path``, loaded safely, without
    a DistributedDataParallel ``module.`` prefix.

    Args:
        path: Checkpoint file.
        key: Config key that names it, e.g. ``'model.teacher_ckpt'``.
        how_to_make: Advice for a missing file (how to train it).

    Raises:
        FileNotFoundError: ``path`` does not exist (naming ``key``).
    """
    if not osp.isfile(osp.expanduser(path)):
        raise FileNotFoundError(f'{key}: file not found: {path}. '
                                f'{how_to_make}')
    with name_checkpoint_key(key):
        checkpoint = _load_checkpoint(path, map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint)
    return {re.sub(r'^module\.', '', k): v for k, v in state.items()}


@dataclass
class StateMismatch:
    """How a state dict differs from a model's.

    Attributes:
        missing: The model's keys the file lacks.
        unexpected: The file's keys the model lacks.
        reshaped: ``'key: shape in the file, shape in the model'`` lines.
    """

    missing: List[str]
    unexpected: List[str]
    reshaped: List[str]

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.reshaped)

    def __str__(self) -> str:
        return (f'missing keys: {self.missing}; unexpected keys: '
                f'{self.unexpected}; other shapes: {self.reshaped}')


def state_mismatch(own: Mapping[str, torch.Tensor],
                   state: Mapping[str, torch.Tensor],
                   may_miss: Sequence[str] = ()) -> StateMismatch:
    """Compare ``state`` (a file) with ``own`` (the model's state dict);
    keys in ``may_miss`` are allowed to be absent from the file."""
    return StateMismatch(
        missing=[k for k in own if k not in state and k not in may_miss],
        unexpected=[k for k in state if k not in own],
        reshaped=[
            f'{k}: {tuple(v.shape)} in the file, '
            f'{tuple(own[k].shape)} in the model' for k, v in state.items()
            if k in own and v.shape != own[k].shape
        ])
