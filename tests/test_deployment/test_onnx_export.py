"""ONNX export of a tiny random-weight R-FCN student, run in ONNX Runtime."""
import sys

import pytest
import torch

from qmimic_mm.analysis.flops import (build_detector, load_detector_config,
                                      synthetic_batch)
from qmimic_mm.deployment import ORTDetector, export_onnx, import_onnxruntime
from qmimic_mm.utils import UserInputError
from toy_configs import REPO

STUDENT = f'{REPO}/configs/rfcn/rfcn_vgg1-32_80k_wider.py'
QUANT = f'{REPO}/configs/rfcn/rfcn_vgg1-32-quant_80k_wider.py'


def seeded_student(config: str = STUDENT):
    model = build_detector(load_detector_config(config))
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(torch.randn(param.shape, generator=gen) * 0.3)
    return model


def matched(a, b, box_tol: float = 1e-2, score_tol: float = 1e-4) -> bool:
    """Every detection of ``a`` has one in ``b`` with the same label, box
    and score within the tolerances."""
    box_diff = (a.bboxes[:, None] - b.bboxes[None]).abs().amax(-1)
    score_diff = (a.scores[:, None] - b.scores[None]).abs()
    same = ((box_diff < box_tol) & (score_diff < score_tol) &
            (a.labels[:, None] == b.labels[None]))
    return bool(same.any(1).all())


def test_onnx_runtime_matches_torch(tmp_path):
    model = seeded_student()
    trace = synthetic_batch(model, (160, 224), seed=1)
    with torch.no_grad():
        example = model.data_preprocessor(trace, False)['inputs']
    onnx_file = str(tmp_path / 'student.onnx')
    export_onnx(model, onnx_file, example, 'student')
    import onnx
    onnx.checker.check_model(onnx.load(onnx_file))
    runner = ORTDetector(onnx_file, model, threads=1)
    # another size than the trace: height and width are dynamic
    for shape in [(160, 224), (208, 320)]:
        batch = synthetic_batch(model, shape, seed=2)
        with torch.no_grad():
            ref = model.test_step(batch)[0].pred_instances
        got = runner.test_step(batch)[0].pred_instances
        assert len(ref) > 0
        assert len(got) == len(ref)
        # conv rounding differs (~1e-6 relative), which may swap boxes of
        # nearly equal score: every detection has a twin in the other list
        # within 1e-2 px and 1e-4 score
        assert matched(got, ref) and matched(ref, got)


def test_unexportable_config_names_op_and_config(tmp_path):
    config = 'faster-rcnn_r18-1-16-dc5_40k_voc0712.py'
    model = build_detector(
        load_detector_config(f'{REPO}/configs/faster_rcnn/{config}'))
    batch = synthetic_batch(model, (64, 64))
    with torch.no_grad():
        example = model.data_preprocessor(batch, False)['inputs']
    with pytest.raises(UserInputError) as err:
        export_onnx(model, str(tmp_path / 'f.onnx'), example, config)
    text = str(err.value)
    assert text.startswith(f'{config}: cannot export op StandardRoIHead '
                           '(model.roi_head)')
    assert not (tmp_path / 'f.onnx').exists()


def test_quantized_student_exports(tmp_path):
    """The quantizer neck (Eq. 1) has an ONNX form (floor / clamp)."""
    model = build_detector(load_detector_config(
        QUANT, {'model.neck.levels': None}))
    batch = synthetic_batch(model, (64, 96))
    with torch.no_grad():
        example = model.data_preprocessor(batch, False)['inputs']
    export_onnx(model, str(tmp_path / 'q.onnx'), example, 'quant')
    runner = ORTDetector(str(tmp_path / 'q.onnx'), model, threads=1)
    with torch.no_grad():
        ref = model.test_step(batch)[0].pred_instances
    got = runner.test_step(batch)[0].pred_instances
    assert len(got) == len(ref)


def test_missing_onnxruntime_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, 'onnxruntime', None)  # not importable
    with pytest.raises(UserInputError, match='pip install onnx onnxruntime'):
        import_onnxruntime()


def test_graph_optimization_levels(tmp_path):
    """'extended' (the default) and 'all' run the same graph to the same
    outputs; an unknown level is a one-line error naming the choices."""
    from qmimic_mm.deployment.ort_detector import ort_session
    ort = pytest.importorskip('onnxruntime')
    model = seeded_student().eval()
    batch = synthetic_batch(model, (96, 128), seed=2)
    with torch.no_grad():
        inputs = model.data_preprocessor(batch, False)['inputs']
    onnx_file = str(tmp_path / 's.onnx')
    export_onnx(model, onnx_file, inputs)
    default = ort_session(onnx_file, threads=1)
    assert default.get_session_options().graph_optimization_level == \
        ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    full = ort_session(onnx_file, threads=1, graph_optimization='all')
    feed = {'inputs': inputs.numpy()}
    for a, b in zip(default.run(None, feed), full.run(None, feed)):
        torch.testing.assert_close(torch.from_numpy(a), torch.from_numpy(b),
                                   rtol=1e-4, atol=1e-4)
    with pytest.raises(UserInputError, match='extended, all'):
        ort_session(onnx_file, graph_optimization='fast')
