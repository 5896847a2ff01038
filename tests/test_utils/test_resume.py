"""qmimic_mm.utils.resume: --resume takes the newest checkpoint that loads."""
import os

import pytest
import torch

from qmimic_mm.utils.resume import (NoCheckpointError, find_resume_checkpoint,
                                    resume_candidates)


def _save(folder, name, step):
    path = os.path.join(folder, name)
    torch.save({'meta': {'iter': step}, 'state_dict': {'w': torch.ones(64)}},
               path)
    return path


def _truncate(path):
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


def test_candidates_newest_first_by_step(tmp_path):
    for step in (2, 10, 4):
        _save(str(tmp_path), f'iter_{step}.pth', step)
    names = [os.path.basename(p) for p in resume_candidates(str(tmp_path))]
    assert names == ['iter_10.pth', 'iter_4.pth', 'iter_2.pth']


def test_damaged_newest_is_skipped_with_one_warning(tmp_path):
    _save(str(tmp_path), 'iter_20.pth', 20)
    newest = _save(str(tmp_path), 'iter_40.pth', 40)
    _truncate(newest)
    (tmp_path / 'last_checkpoint').write_text(newest)
    warnings = []
    found = find_resume_checkpoint(str(tmp_path), warnings.append)
    assert found.endswith('iter_20.pth')
    assert len(warnings) == 1
    assert warnings[0].startswith(f'--resume: skipping damaged checkpoint '
                                  f'{newest} (')


def test_no_valid_checkpoint_names_the_folder(tmp_path):
    _truncate(_save(str(tmp_path), 'iter_5.pth', 5))
    warnings = []
    with pytest.raises(NoCheckpointError) as err:
        find_resume_checkpoint(str(tmp_path), warnings.append)
    assert str(tmp_path) in str(err.value)
    assert 'none of its 1 checkpoints loads' in str(err.value)
    assert len(warnings) == 1
    with pytest.raises(NoCheckpointError, match='holds no checkpoint'):
        find_resume_checkpoint(str(tmp_path / 'empty'), warnings.append)
