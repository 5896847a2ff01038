"""ONNX export of the one-stage students (RTMDet CSPNeXt-1-32, RetinaNet
R18-1-32) with random weights, run in ONNX Runtime against PyTorch."""
import math

import pytest
import torch
from mmengine.structures import InstanceData

from qmimic_mm.analysis.flops import (build_detector, load_detector_config,
                                      synthetic_batch)
from qmimic_mm.deployment import (DenseHeadDetectionGraph, ORTDetector,
                                  TorchGraphDetector, export_onnx)
from qmimic_mm.deployment.detection_match import (TOLERANCE, matched_share,
                                                  paired_difference)
from qmimic_mm.deployment.preprocess_folding import FoldedImagePreprocess
from qmimic_mm.utils import UserInputError
from toy_configs import REPO

RTMDET = f'{REPO}/configs/rtmdet/rtmdet_cspnext-1-32_80k_wider.py'
RETINANET = f'{REPO}/configs/retinanet/retinanet_r18-1-32_80k_wider.py'

#: Share of detections that must have a twin within
#: :data:`~qmimic_mm.deployment.detection_match.TOLERANCE` (1e-2 px,
#: 1e-4 score), both ways. Measured on 16 random images of 4 sizes: 100%
#: in 15, 99% in one (two near-tied scores swapped across the NMS).
MIN_MATCHED = 0.98


def seeded_one_stage(config: str = RTMDET, cfg_options: dict = None):
    """Random weights scaled by fan-in, batch-norm statistics from a random
    image, so that activations stay O(1) and many locations score above
    ``score_thr``; RTMDet's box convs are biased to one stride (they give
    ``distance / stride``), so that its boxes are valid and of the cell's
    size and the NMS keeps up to ``max_per_img`` of them."""
    model = build_detector(load_detector_config(config, cfg_options))
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for param in model.parameters():
            std = (1.5 / math.sqrt(param[0].numel()) if param.dim() > 1
                   else 0.3)
            param.copy_(torch.randn(param.shape, generator=gen) * std)
        for conv in getattr(model.bbox_head, 'rtm_reg', []):
            conv.weight.mul_(0.1)
            conv.bias.fill_(1.)
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.momentum = 1.  # running stats := this batch's
        model.train()
        batch = synthetic_batch(model, (160, 224), seed=7)
        model.bbox_head(model.extract_feat(
            model.data_preprocessor(batch, False)['inputs']))
    return model.eval()


def assert_same_detections(ref, got, min_matched: float = MIN_MATCHED):
    """Counts within 2%, and nearly every detection has a twin within the
    stated tolerance, both ways."""
    assert len(ref) > 0
    assert abs(len(got) - len(ref)) <= 0.02 * len(ref)
    assert matched_share(got, ref) >= min_matched
    assert matched_share(ref, got) >= min_matched


@pytest.mark.parametrize('boundary', ['detector', 'network'])
def test_rtmdet_onnx_runtime_matches_torch(tmp_path, boundary):
    model = seeded_one_stage()
    image = synthetic_batch(model, (160, 224), seed=1)['inputs'][0][None]
    onnx_file = str(tmp_path / 'rtmdet.onnx')
    export_onnx(model, onnx_file, image, 'rtmdet', boundary)
    import onnx
    onnx.checker.check_model(onnx.load(onnx_file))
    runner = ORTDetector(onnx_file, model, threads=1)
    assert runner.boundary == boundary
    assert runner.dense_levels == (3 if boundary == 'network' else 0)
    counts, box_diffs, score_diffs = [], [], []
    # the trace size, one not a multiple of the stride 32 (the graph pads)
    # and a larger one: height and width are dynamic
    for shape in [(160, 224), (200, 310), (288, 400)]:
        batch = synthetic_batch(model, shape, seed=2)
        with torch.no_grad():
            ref = model.test_step(batch)[0].pred_instances
        got = runner.test_step(batch)[0].pred_instances
        assert_same_detections(ref, got)
        box, score = paired_difference(ref, got)
        counts.append(len(ref))
        box_diffs.append(box)
        score_diffs.append(score)
    assert counts == [300] * 3  # max_per_img=300 caps each
    # the measured agreement: ~1e-3 px and ~4e-5 in score
    assert max(box_diffs) < TOLERANCE['box']
    assert max(score_diffs) < TOLERANCE['score']


def test_rtmdet_graph_folds_the_normalisation(tmp_path):
    """The gray mean / std fold into the stem's first conv; the folded
    graph in PyTorch gives test_step's detections to float rounding."""
    model = seeded_one_stage()
    graph = DenseHeadDetectionGraph(model, fold_preprocess=True).eval()
    assert isinstance(graph.preprocess, FoldedImagePreprocess)
    assert graph.preprocess.pad_value == 117.  # the raw mean pads
    batch = synthetic_batch(model, (200, 310), seed=3)
    with torch.no_grad():
        ref = model.test_step(batch)[0].pred_instances
        boxes, scores, labels = graph(batch['inputs'][0][None])
    got = InstanceData(bboxes=boxes, scores=scores, labels=labels)
    assert_same_detections(ref, got)


@pytest.mark.parametrize('config', [RTMDET, RETINANET])
def test_dense_graph_equals_test_step_in_torch(config):
    """Unfolded, the traced module in PyTorch is test_step's computation:
    the same detections in the same order, bit for bit (RTMDet) or to the
    float64 ``exp`` of the delta decoding (RetinaNet); boxes rescaled to
    the original image as test_step's."""
    model = seeded_one_stage(config)
    runner = TorchGraphDetector(model)
    assert isinstance(runner.graph, DenseHeadDetectionGraph)
    for shape in [(160, 224), (200, 310)]:
        batch = synthetic_batch(model, shape, seed=2)
        batch['data_samples'][0].set_metainfo(dict(scale_factor=(0.5, 0.5)))
        with torch.no_grad():
            ref = model.test_step(batch)[0].pred_instances
        got = runner.test_step(batch)[0].pred_instances
        assert len(got) == len(ref) > 0
        assert torch.equal(got.labels, ref.labels)
        torch.testing.assert_close(got.scores, ref.scores, rtol=0,
                                   atol=1e-7)
        torch.testing.assert_close(got.bboxes, ref.bboxes, rtol=0,
                                   atol=1e-3)


@pytest.mark.parametrize('class_agnostic', [False, True])
def test_dense_graph_multi_class_nms(class_agnostic):
    """Three classes: per-class NMS (mmcv's batched_nms offsets) or one
    NMS over all classes, as test_step's."""
    model = seeded_one_stage(RTMDET, {
        'model.bbox_head.num_classes': 3,
        'model.test_cfg.nms.class_agnostic': class_agnostic})
    batch = synthetic_batch(model, (160, 224), seed=2)
    graph = DenseHeadDetectionGraph(model).eval()
    with torch.no_grad():
        ref = model.test_step(batch)[0].pred_instances
        boxes, scores, labels = graph(batch['inputs'][0][None])
    assert len(boxes) == len(ref) > 0
    assert len(ref.labels.unique()) == 3
    assert torch.equal(labels, ref.labels)
    assert torch.equal(boxes, ref.bboxes) and torch.equal(scores, ref.scores)


def test_retinanet_exports(tmp_path):
    """Anchors (AnchorGenerator.sparse_priors) and DeltaXYWHBBoxCoder:
    the same graph, whole-detector boundary."""
    model = seeded_one_stage(RETINANET)
    image = synthetic_batch(model, (160, 224), seed=1)['inputs'][0][None]
    onnx_file = str(tmp_path / 'retinanet.onnx')
    export_onnx(model, onnx_file, image, 'retinanet')
    runner = ORTDetector(onnx_file, model, threads=1)
    for shape in [(160, 224), (200, 310)]:
        batch = synthetic_batch(model, shape, seed=2)
        with torch.no_grad():
            ref = model.test_step(batch)[0].pred_instances
        got = runner.test_step(batch)[0].pred_instances
        assert len(ref) == 300
        assert_same_detections(ref, got)
        box, score = paired_difference(ref, got)
        assert box < TOLERANCE['box'] and score < TOLERANCE['score']


@pytest.mark.parametrize('boundary', ['detector', 'network'])
def test_unsupported_detector_types_give_one_line(tmp_path, boundary):
    """A box coder the graph does not decode, a head with score factors
    (ATSS's centerness: a third output per level) and a module that is no
    detector each give one line naming the type and what is supported."""
    image = torch.zeros(1, 1, 64, 64, dtype=torch.uint8)
    cases = [
        ({'model.bbox_head.bbox_coder.type': 'TBLRBBoxCoder'},
         'RetinaHead (model.bbox_head): its bbox_coder is TBLRBBoxCoder, '
         'not one of DistancePointBBoxCoder, DeltaXYWHBBoxCoder; '),
        ({'model.bbox_head.type': 'ATSSHead',
          'model.bbox_head.norm_cfg': dict(type='BN')},
         'ATSSHead (model.bbox_head): it gives 3 outputs per level (score '
         'factors, e.g. centerness); '),
    ]
    for options, reason in cases:
        model = build_detector(load_detector_config(RETINANET, options))
        with pytest.raises(UserInputError) as err:
            export_onnx(model, str(tmp_path / 'x.onnx'), image, 'bad.py',
                        boundary)
        text = str(err.value)
        assert '\n' not in text
        assert text == (f'bad.py: cannot export {reason}the one-stage '
                        'exporter handles dense heads with (class scores, '
                        "boxes) per level and mmdet's BaseDenseHead post-"
                        'processing (RTMDet, RetinaNet)')
    with pytest.raises(UserInputError) as err:
        export_onnx(torch.nn.Conv2d(1, 1, 1), str(tmp_path / 'y.onnx'),
                    image, 'conv.py', boundary)
    text = str(err.value)
    assert text.startswith('conv.py: cannot export a Conv2d: the ONNX '
                           'exporter handles two-stage R-FCN detectors')
    assert 'single-stage dense detectors' in text and '\n' not in text
    assert not (tmp_path / 'x.onnx').exists()


def test_runner_refuses_a_network_of_another_detector(tmp_path):
    """A one-stage network file with an R-FCN config: one line, not a
    crash in the post-processing."""
    from test_deployment.test_onnx_export import seeded_student
    model = seeded_one_stage()
    onnx_file = str(tmp_path / 'net.onnx')
    export_onnx(model, onnx_file,
                synthetic_batch(model, (64, 64))['inputs'][0][None],
                boundary='network')
    with pytest.raises(UserInputError, match='does not fit the config'):
        ORTDetector(onnx_file, seeded_student())
