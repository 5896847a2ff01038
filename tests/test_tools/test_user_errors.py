"""Damaged checkpoints and malformed annotations through the user's tools:
one ``error: ...`` line naming the key, the file and the fix, exit status 2,
no traceback (unless ``--debug``)."""
import os
import os.path as osp

import pytest
import torch

from toy_configs import (QM_CONFIG, TOY_TEACHER_MODEL, toy_distill_model,
                         write_toy_config, write_wider_toy_config)

TEACHER = 'faster_rcnn/faster-rcnn_r18-dc5_40k_voc0712.py'
KINDS = ('truncated', 'corrupt', 'empty')


def damaged_checkpoint(folder: str, kind: str) -> str:
    """A real torch checkpoint, then damaged as an interrupted copy would.

    ``truncated``: the first half only (no zip directory); ``corrupt``:
    bytes zeroed inside the archive, its directory intact (so it passes the
    tools' cheap pre-check and fails when loaded); ``empty``: 0 bytes.
    """
    path = osp.join(folder, f'{kind}.pth')
    torch.save({'state_dict': {'w': torch.arange(512.)}, 'meta': {}}, path)
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    if kind == 'truncated':
        data = data[:len(data) // 2]
    elif kind == 'corrupt':
        data[40:400] = bytes(360)
    else:
        data = bytearray()
    with open(path, 'wb') as f:
        f.write(bytes(data))
    return path


def assert_one_line(result, *expected: str) -> str:
    assert result.returncode == 2, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-3000:]
    line = lines[0]
    assert line.startswith('error: ') and 'Traceback' not in result.stderr
    assert not line.startswith("error: '")  # the message, not its repr
    for text in expected:
        assert text in line, line
    return line


@pytest.fixture(scope='module')
def teacher_cfg(voc_root, tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp('teacher_cfg')
    return write_toy_config(str(tmp / 'teacher.py'), TEACHER, voc_root,
                            extra=TOY_TEACHER_MODEL)


@pytest.mark.parametrize('kind', KINDS)
def test_teacher_ckpt(kind, voc_root, tool, tmp_path):
    bad = damaged_checkpoint(str(tmp_path), kind)
    cfg = write_toy_config(str(tmp_path / 'qm.py'), QM_CONFIG, voc_root,
                           extra=toy_distill_model(bad))
    result = tool(['tools/train.py', cfg, '--work-dir',
                   str(tmp_path / 'work')])
    assert_one_line(result, 'model.teacher_ckpt: cannot read checkpoint',
                    bad, 'point model.teacher_ckpt at another checkpoint')


@pytest.mark.parametrize('kind', KINDS)
def test_load_from(kind, teacher_cfg, tool, tmp_path):
    bad = damaged_checkpoint(str(tmp_path), kind)
    result = tool(['tools/train.py', teacher_cfg, '--work-dir',
                   str(tmp_path / 'work'), '--cfg-options',
                   f'load_from={bad}'])
    assert_one_line(result, 'load_from: cannot read checkpoint', bad,
                    'write it again')


@pytest.mark.parametrize('kind', KINDS)
def test_resume(kind, teacher_cfg, tool, tmp_path):
    bad = damaged_checkpoint(str(tmp_path), kind)
    result = tool(['tools/train.py', teacher_cfg, '--work-dir',
                   str(tmp_path / 'work'), '--resume', bad])
    assert_one_line(result, '--resume: cannot read checkpoint', bad,
                    'point --resume at another checkpoint')


@pytest.mark.parametrize('kind', KINDS)
def test_extract_student(kind, tool, tmp_path):
    bad = damaged_checkpoint(str(tmp_path), kind)
    out = tmp_path / 'student.pth'
    result = tool(['tools/model_converters/extract_student.py', bad,
                   str(out)])
    assert_one_line(result, 'DISTILL_CKPT: cannot read checkpoint', bad)
    assert not out.exists()


def test_test_tool_checkpoint(teacher_cfg, tool, tmp_path):
    bad = damaged_checkpoint(str(tmp_path), 'corrupt')
    result = tool(['tools/test.py', teacher_cfg, bad, '--work-dir',
                   str(tmp_path / 'work')])
    assert_one_line(result, 'CHECKPOINT: cannot read checkpoint', bad)


def test_debug_shows_the_traceback(tool, tmp_path):
    bad = damaged_checkpoint(str(tmp_path), 'truncated')
    result = tool(['tools/model_converters/extract_student.py', bad,
                   str(tmp_path / 'out.pth'), '--debug'])
    assert result.returncode == 1
    assert 'Traceback' in result.stderr
    assert 'CheckpointReadError' in result.stderr


def _wider_layout(root: str, train_txt: str) -> None:
    split = osp.join(root, 'wider_face_split')
    os.makedirs(split)
    with open(osp.join(split, 'wider_face_train_bbx_gt.txt'), 'w') as f:
        f.write(train_txt)
    with open(osp.join(split, 'wider_face_val_bbx_gt.txt'), 'w') as f:
        f.write('0--Parade/a.jpg\n0\n0 0 0 0 0 0 0 0 0 0 \n')


def test_malformed_annotation_names_key_file_and_line(tool, tmp_path):
    root = str(tmp_path / 'wider') + '/'
    # the second box row has 9 fields
    _wider_layout(root, '0--Parade/a.jpg\n2\n1 2 3 4 0 0 0 0 0 0 \n'
                  '1 2 3 4 0 0 0 0 0\n')
    cfg = write_wider_toy_config(str(tmp_path / 'rfcn.py'),
                                 'rfcn/rfcn_vgg1-4_80k_wider.py', root)
    result = tool(['tools/train.py', cfg, '--work-dir',
                   str(tmp_path / 'work')])
    ann = osp.join(root, 'wider_face_split', 'wider_face_train_bbx_gt.txt')
    assert_one_line(result, 'train_dataloader.dataset.ann_file: ',
                    f'{ann}:4: expected box row 2/2', 'got 9 fields',
                    'Fix that line, or point train_dataloader.dataset.'
                    'ann_file at a file in the official WIDER FACE format')
