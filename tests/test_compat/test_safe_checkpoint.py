"""Checkpoints mmengine writes load with weights_only=True; code never runs."""
import os
import os.path as osp
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

from qmimic_mm.compat.safe_checkpoint import (UnsafeCheckpointError,
                                              safe_torch_load)


def _mmengine_like_checkpoint(path: str) -> None:
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    hub = MessageHub.get_instance('safe_ckpt_test')
    for value in (1.0, 0.5, 0.25):
        hub.update_scalar('train/loss', value)
    hub.update_info('iter', 3)
    hub.update_info('seed', np.int64(7))
    hub.update_info('lr', np.float64(0.1))
    checkpoint = dict(
        meta=dict(epoch=0, iter=3, seed=np.int64(7),
                  hook_msgs=dict(best_score=np.float32(0.5)),
                  dataset_meta=dict(classes=('face', ))),
        state_dict=OrderedDict(model.state_dict()),
        message_hub=hub.state_dict(),
        optimizer=optimizer.state_dict(),
        extra=np.arange(4, dtype=np.int16))
    torch.save(checkpoint, path)


def test_mmengine_checkpoint_with_message_hub_loads(tmp_path):
    path = str(tmp_path / 'ok.pth')
    _mmengine_like_checkpoint(path)
    loaded = _load_checkpoint(path, map_location='cpu')  # mmengine's path
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(1.75 / 3)
    assert loaded['meta']['seed'] == 7
    assert loaded['extra'].tolist() == [0, 1, 2, 3]
    # torch.load with its default (weights_only=True) works too.
    assert torch.load(path)['meta']['iter'] == 3


class _RunsCode:
    """Unpickling this would call os.system."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


class _WalksGetattr:
    """Unpickling this would reach HistoryBuffer.__init__.__globals__."""

    def __reduce__(self):
        return (getattr, (HistoryBuffer, '__init__'))


def test_checkpoint_running_code_is_refused(tmp_path):
    marker = tmp_path / 'payload_ran'
    path = str(tmp_path / 'evil.pth')
    torch.save({'state_dict': {}, 'meta': _RunsCode(str(marker))}, path)
    with pytest.raises(UnsafeCheckpointError, match='refusing to load'):
        _load_checkpoint(path, map_location='cpu')
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)
    assert not marker.exists()


def test_getattr_is_only_answered_for_history_buffer_statistics(tmp_path):
    path = str(tmp_path / 'getattr.pth')
    torch.save({'meta': _WalksGetattr()}, path)
    with pytest.raises(UnsafeCheckpointError, match='__init__'):
        safe_torch_load(path)


def test_missing_checkpoint_names_the_path(tmp_path):
    missing = str(tmp_path / 'nope.pth')
    with pytest.raises(FileNotFoundError, match=osp.basename(missing)):
        safe_torch_load(missing)
