"""qmimic_mm.utils.atomic_save: a write interrupted before the rename
leaves the previous file as it was."""
import os

import pytest
import torch

from qmimic_mm.utils.atomic_save import (atomic_output, atomic_torch_save,
                                         atomic_write_text, temporary_name)


def test_torch_save_round_trip_leaves_no_temporary(tmp_path):
    path = str(tmp_path / 'iter_1.pth')
    atomic_torch_save({'w': torch.arange(4.)}, path)
    assert torch.equal(torch.load(path)['w'], torch.arange(4.))
    assert os.listdir(tmp_path) == ['iter_1.pth']


def test_interrupt_between_write_and_rename_keeps_the_old_file(tmp_path):
    path = str(tmp_path / 'student.pth')
    atomic_torch_save({'w': torch.zeros(3)}, path)
    with pytest.raises(KeyboardInterrupt):
        with atomic_output(path) as tmp:
            assert os.path.dirname(tmp) == str(tmp_path)  # same folder
            with open(tmp, 'wb') as f:
                f.write(b'PK\x03\x04 half a zip')  # the new one, partly
            raise KeyboardInterrupt  # e.g. Ctrl-C before the rename
    assert torch.equal(torch.load(path)['w'], torch.zeros(3))
    assert os.listdir(tmp_path) == ['student.pth']  # temporary removed


def test_temporary_name_is_hidden_and_not_a_checkpoint(tmp_path):
    tmp = temporary_name(str(tmp_path / 'iter_40.pth'))
    name = os.path.basename(tmp)
    assert name.startswith('.iter_40.pth.') and name.endswith('.tmp')


def test_write_text_replaces(tmp_path):
    path = str(tmp_path / 'last_checkpoint')
    atomic_write_text(path, 'a')
    atomic_write_text(path, 'b')
    assert open(path).read() == 'b'
