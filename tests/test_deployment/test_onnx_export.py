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


def seeded_student(config: str = STUDENT, cfg_options: dict = None):
    """Random weights, with batch-norm statistics taken from a random image
    so that activations stay O(1) as in a trained network. (Raw random
    weights either grow the activations to ~1e6, where conv rounding
    differs by whole units between runtimes, or leave locations with all-
    zero features, whose *equal* RPN scores NMS may visit in any order.)"""
    model = build_detector(load_detector_config(config, cfg_options))
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(torch.randn(param.shape, generator=gen) * 0.3)
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.momentum = 1.  # running stats := this batch's
        model.train()
        batch = synthetic_batch(model, (192, 256), seed=7)
        inputs = model.data_preprocessor(batch, False)['inputs']
        feat = model.extract_feat(inputs)
        model.rpn_head(feat)
        model.roi_head.bbox_head.forward_score_maps(feat[-1])
    return model.eval()


def matched_share(a, b, box_tol: float = 1e-2,
                  score_tol: float = 1e-4) -> float:
    """Share of the detections of ``a`` that have one in ``b`` with the
    same label, and box and score within the tolerances."""
    box_diff = (a.bboxes[:, None] - b.bboxes[None]).abs().amax(-1)
    score_diff = (a.scores[:, None] - b.scores[None]).abs()
    same = ((box_diff < box_tol) & (score_diff < score_tol) &
            (a.labels[:, None] == b.labels[None]))
    return float(same.any(1).float().mean())


def matched(a, b, box_tol: float = 1e-2, score_tol: float = 1e-4) -> bool:
    """Every detection of ``a`` has a twin in ``b`` (see matched_share)."""
    return matched_share(a, b, box_tol, score_tol) == 1.


#: Stated tolerance of ONNX Runtime against PyTorch for the whole detector:
#: the convolutions and the box decoding's ``exp`` round differently
#: (~1e-5 in the maps, ~1e-3 px in a proposal); now and then that moves a
#: proposal across a PS-RoI bin border (pixel-rounded), which changes its
#: pooled score. Measured on 23 random images of 5 sizes: 89-100% matched
#: (the demo's val AP stays within 0.002, see docs/en/user_guides/deployment.md).
MIN_MATCHED = 0.85


@pytest.mark.parametrize('boundary', ['detector', 'network'])
def test_onnx_runtime_matches_torch(tmp_path, boundary):
    model = seeded_student()
    image = synthetic_batch(model, (160, 224), seed=1)['inputs'][0][None]
    onnx_file = str(tmp_path / 'student.onnx')
    export_onnx(model, onnx_file, image, 'student', boundary)
    import onnx
    onnx.checker.check_model(onnx.load(onnx_file))
    runner = ORTDetector(onnx_file, model, threads=1)
    assert runner.boundary == boundary
    # other sizes than the trace (one not a multiple of the stride, so
    # the graph pads): height and width are dynamic; 288 x 400 gives more
    # than 300 proposals after the RPN's NMS, so its cap is exercised
    for shape in [(160, 224), (200, 310), (288, 400)]:
        batch = synthetic_batch(model, shape, seed=2)
        with torch.no_grad():
            ref = model.test_step(batch)[0].pred_instances
        got = runner.test_step(batch)[0].pred_instances
        if boundary == 'detector':  # a float image is cast to the graph's
            batch['inputs'] = [image.float() for image in batch['inputs']]
            again = runner.test_step(batch)[0].pred_instances
            assert torch.equal(again.bboxes, got.bboxes)
        assert len(ref) > 0
        assert abs(len(got) - len(ref)) <= 0.05 * len(ref)
        # every (or, for the whole detector, nearly every) detection has a
        # twin in the other list within 1e-2 px and 1e-4 score
        assert matched_share(got, ref) >= MIN_MATCHED
        assert matched_share(ref, got) >= MIN_MATCHED


def test_detector_graph_equals_test_step_in_torch():
    """The traced module itself (PyTorch, before export) gives exactly
    model.test_step's detections: it is the same computation."""
    from qmimic_mm.deployment import RFCNDetectionGraph
    model = seeded_student().eval()
    graph = RFCNDetectionGraph(model).eval()
    for shape in [(160, 224), (200, 310)]:
        batch = synthetic_batch(model, shape, seed=2)
        with torch.no_grad():
            ref = model.test_step(batch)[0].pred_instances
            boxes, scores, labels = graph(batch['inputs'][0][None])
        from mmengine.structures import InstanceData
        got = InstanceData(bboxes=boxes, scores=scores, labels=labels)
        assert len(got) == len(ref) > 0
        assert matched(got, ref, 1e-4, 1e-7) and matched(ref, got, 1e-4, 1e-7)


@pytest.mark.parametrize('class_agnostic', [False, True])
def test_detector_graph_multi_class_nms(class_agnostic):
    """Three classes: per-class NMS (mmcv's batched_nms offsets) or one
    NMS over all classes, as model.test_step's multiclass_nms does."""
    from mmengine.structures import InstanceData

    from qmimic_mm.deployment import RFCNDetectionGraph
    model = seeded_student(STUDENT, {
        'model.roi_head.bbox_head.num_classes': 3,
        'model.test_cfg.rcnn.nms.class_agnostic': class_agnostic})
    batch = synthetic_batch(model, (160, 224), seed=2)
    with torch.no_grad():
        ref = model.test_step(batch)[0].pred_instances
        boxes, scores, labels = RFCNDetectionGraph(model).eval()(
            batch['inputs'][0][None])
    got = InstanceData(bboxes=boxes, scores=scores, labels=labels)
    assert len(got) == len(ref) > 0
    assert len(ref.labels.unique()) >= 2  # several classes survive
    assert matched(got, ref, 1e-4, 1e-7) and matched(ref, got, 1e-4, 1e-7)


def test_detector_graph_rescales_to_the_original_image(tmp_path):
    """A resized image's boxes come back in original-image pixels, as
    test_step's (rescale=True) do."""
    model = seeded_student()
    batch = synthetic_batch(model, (160, 224), seed=3)
    batch['data_samples'][0].set_metainfo(dict(
        scale_factor=(0.5, 0.25), ori_shape=(640, 448)))
    onnx_file = str(tmp_path / 's.onnx')
    export_onnx(model, onnx_file, batch['inputs'][0][None])
    with torch.no_grad():
        ref = model.test_step(batch)[0].pred_instances
    got = ORTDetector(onnx_file, model, threads=1).test_step(
        batch)[0].pred_instances
    assert ref.bboxes[:, 3].max() > 160  # rescaled beyond the input
    assert abs(len(got) - len(ref)) <= 0.05 * len(ref)
    # box tolerance x4: the y scale is 1/4
    assert matched_share(got, ref, 4e-2) >= MIN_MATCHED
    assert matched_share(ref, got, 4e-2) >= MIN_MATCHED


def test_detector_graph_rejects_unsupported_test_cfg(tmp_path):
    model = seeded_student()
    model.test_cfg.rcnn.nms = dict(type='soft_nms', iou_threshold=0.3)
    image = synthetic_batch(model, (64, 64))['inputs'][0][None]
    with pytest.raises(UserInputError) as err:
        export_onnx(model, str(tmp_path / 'x.onnx'), image, 'cfg.py')
    assert str(err.value).startswith(
        "cfg.py: model.test_cfg.rcnn.nms={'type': 'soft_nms'")
    with pytest.raises(UserInputError, match="boundary must be one of"):
        export_onnx(model, str(tmp_path / 'x.onnx'), image, 'cfg.py',
                    'backbone')
    with pytest.raises(UserInputError, match=r'one image \(1, C, H, W\)'):
        export_onnx(model, str(tmp_path / 'x.onnx'), image.repeat(2, 1, 1, 1))


def test_unexportable_config_names_op_and_config(tmp_path):
    config = 'faster-rcnn_r18-1-16-dc5_40k_voc0712.py'
    model = build_detector(
        load_detector_config(f'{REPO}/configs/faster_rcnn/{config}'))
    batch = synthetic_batch(model, (64, 64))
    with pytest.raises(UserInputError) as err:
        export_onnx(model, str(tmp_path / 'f.onnx'),
                    batch['inputs'][0][None], config)
    text = str(err.value)
    assert text.startswith(f'{config}: cannot export op StandardRoIHead '
                           '(model.roi_head)')
    assert not (tmp_path / 'f.onnx').exists()


def test_quantized_student_exports(tmp_path):
    """The quantizer neck (Eq. 1) has an ONNX form (floor / clamp)."""
    model = seeded_student(QUANT, {'model.neck.levels': None})
    batch = synthetic_batch(model, (160, 224), seed=2)
    export_onnx(model, str(tmp_path / 'q.onnx'), batch['inputs'][0][None],
                'quant')
    runner = ORTDetector(str(tmp_path / 'q.onnx'), model, threads=1)
    with torch.no_grad():
        ref = model.test_step(batch)[0].pred_instances
    got = runner.test_step(batch)[0].pred_instances
    assert len(ref) > 0
    assert matched_share(got, ref) >= MIN_MATCHED
    assert matched_share(ref, got) >= MIN_MATCHED


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
    export_onnx(model, onnx_file, batch['inputs'][0][None],
                boundary='network')
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


@pytest.mark.parametrize('boundary', ['detector', 'network'])
def test_colour_image_to_a_gray_graph_is_converted(tmp_path, boundary):
    """A BGR image gives the detections of its OpenCV gray image (the
    'network' graph through the detector's data preprocessor)."""
    import cv2
    model = seeded_student()
    gray_batch = synthetic_batch(model, (96, 128), seed=5)
    onnx_file = str(tmp_path / 's.onnx')
    export_onnx(model, onnx_file, gray_batch['inputs'][0][None],
                boundary=boundary)
    runner = ORTDetector(onnx_file, model, threads=1)
    bgr = torch.randint(0, 256, (96, 128, 3), dtype=torch.uint8,
                        generator=torch.Generator().manual_seed(5))
    gray = torch.from_numpy(cv2.cvtColor(bgr.numpy(), cv2.COLOR_BGR2GRAY))
    gray_batch['inputs'] = [gray[None]]
    colour_batch = dict(gray_batch, inputs=[bgr.permute(2, 0, 1)])
    from_gray = runner.test_step(gray_batch)[0].pred_instances
    from_bgr = runner.test_step(colour_batch)[0].pred_instances
    assert len(from_gray) > 0
    assert torch.equal(from_bgr.bboxes, from_gray.bboxes)
    assert torch.equal(from_bgr.scores, from_gray.scores)
