"""tools/deployment/benchmark_onnx.py: exported graphs timed side by side."""
import sys

import pytest
import torch

from qmimic_mm.analysis.flops import synthetic_batch
from qmimic_mm.deployment import export_onnx
from qmimic_mm.utils import UserInputError
from test_onnx_export import seeded_student
from toy_configs import load_tool

tool = load_tool('tools/deployment/benchmark_onnx.py', 'qm_benchmark_onnx')


def run_tool(monkeypatch, *argv) -> None:
    monkeypatch.setattr(sys, 'argv', ['benchmark_onnx.py', *argv])
    tool.main.__wrapped__()  # without report_user_errors' exit


def test_two_exports_side_by_side(tmp_path, monkeypatch, capsys):
    """Folded and unfolded exports of one detector: one row each, the
    first at 1.000x, detection counts and their largest difference."""
    model = seeded_student()
    image = synthetic_batch(model, (96, 128), seed=1)['inputs'][0][None]
    files = []
    for fold in (True, False):
        files.append(str(tmp_path / f'fold_{fold}.onnx'))
        export_onnx(model, files[-1], image, 'student', fold_preprocess=fold)
    files.append(str(tmp_path / 'network.onnx'))
    export_onnx(model, files[-1], image, 'student', boundary='network')
    run_tool(monkeypatch, *files, '--shape', '96', '128', '--repeat', '2',
             '--warmup', '0')
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if '.onnx |' in line]
    assert len(rows) == 3
    assert '| fold_True.onnx |' in rows[0] and '| 1.000x |' in rows[0]
    # the unfolded graph: same count, differences at float rounding
    count = rows[0].split('|')[4].split(',')[0].strip()
    assert int(count) > 0
    assert rows[1].split('|')[4].strip().startswith(f'{count}, largest')
    assert float(rows[1].rsplit('difference', 1)[1].strip(' |')) < 1e-3
    assert rows[2].split('|')[4].strip() == ''  # not a detector graph


def test_bad_inputs(tmp_path, monkeypatch):
    with pytest.raises(UserInputError, match='ONNX model not found'):
        run_tool(monkeypatch, str(tmp_path / 'missing.onnx'))
    two_inputs = str(tmp_path / 'two.onnx')

    class Add(torch.nn.Module):

        def forward(self, a, b):
            return a + b

    torch.onnx.export(Add(), (torch.ones(1, 2), torch.ones(1, 2)),
                      two_inputs, dynamo=False, input_names=['a', 'b'])
    with pytest.raises(UserInputError, match=r'one \(N, C, H, W\) input'):
        run_tool(monkeypatch, two_inputs)
    with pytest.raises(UserInputError, match='--repeat'):
        run_tool(monkeypatch, two_inputs, '--repeat', '0')


def test_largest_difference_of_detection_lists():
    """The comparison both deployment tools print: arrays or tensors, inf
    for differing counts, 0 for two empty lists."""
    import numpy as np

    from qmimic_mm.deployment import largest_difference
    boxes = torch.tensor([[0., 0., 10., 10.], [5., 5., 9., 9.]])
    scores = torch.tensor([0.9, 0.5])
    moved = (boxes.numpy() + [[0, 0, 0, 0.25], [0, 0, 0, 0]],
             np.array([0.9, 0.75], np.float32))
    assert largest_difference((boxes, scores), moved) == 0.25
    assert largest_difference((boxes, scores), (boxes, scores)) == 0.
    assert largest_difference((boxes, scores),
                              (boxes[:1], scores[:1])) == float('inf')
    empty = (torch.zeros(0, 4), torch.zeros(0))
    assert largest_difference(empty, empty) == 0.
