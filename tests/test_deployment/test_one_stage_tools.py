"""The one-stage student through the command lines: export_onnx.py (with
its verification line) and tools/test.py --onnx against tools/test.py."""
import pickle
import re

import pytest
import torch
from mmengine.structures import InstanceData

from conftest import run_tool
from qmimic_mm.deployment.detection_match import TOLERANCE, matched_share
from test_deployment.test_one_stage_export import (MIN_MATCHED,
                                                   seeded_one_stage)
from toy_configs import write_wider_toy_config

pytest.importorskip('onnxruntime')


def predictions(path: str) -> list:
    """Per image, the detections of a ``tools/test.py --out`` file."""
    with open(path, 'rb') as f:
        results = pickle.load(f)
    return [InstanceData(**{k: torch.as_tensor(v) for k, v in
                            r['pred_instances'].items()}) for r in results]


def test_export_then_test_in_onnx_runtime(tiny_demo_faces, tmp_path):
    config = write_wider_toy_config(
        str(tmp_path / 'rtmdet.py'), 'rtmdet/rtmdet_cspnext-1-32_80k_wider.py',
        tiny_demo_faces)
    checkpoint = str(tmp_path / 'student.pth')
    torch.save({'state_dict': seeded_one_stage().state_dict()}, checkpoint)
    onnx_file = str(tmp_path / 'student.onnx')
    result = run_tool(['tools/deployment/export_onnx.py', config, checkpoint,
                       '--out', onnx_file, '--shape', '160', '224'])
    assert result.returncode == 0, result.stderr[-3000:]
    line = re.search(
        r'verify on a random 160x224 image: (\d+) detections \(torch (\d+)\)'
        r', max \|box difference\| (\S+) px, max \|score difference\| (\S+) '
        r'\(each detection against its nearest twin\); (\S+)% within the '
        r'tolerance \(0.01 px, 0.0001 score\)', result.stdout)
    assert line, result.stdout
    got, ref, box, score, share = line.groups()
    assert int(got) == int(ref) == 300
    assert float(box) < TOLERANCE['box'] and float(score) < TOLERANCE['score']
    assert float(share) == 100.

    outs = {}
    for name, extra in (('torch', []), ('onnx', ['--onnx', onnx_file])):
        outs[name] = str(tmp_path / f'{name}.pkl')
        result = run_tool(['tools/test.py', config, checkpoint, '--out',
                           outs[name], '--work-dir', str(tmp_path / name),
                           *extra])
        assert result.returncode == 0, result.stderr[-3000:]
    ref, got = predictions(outs['torch']), predictions(outs['onnx'])
    assert len(ref) == len(got) == 3  # the val split, as the toy config's
    for a, b in zip(ref, got):
        assert len(a) > 0
        assert matched_share(a, b) >= MIN_MATCHED
        assert matched_share(b, a) >= MIN_MATCHED
