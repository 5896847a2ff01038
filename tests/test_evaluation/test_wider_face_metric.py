"""Tests of WiderFaceMetric, the mmengine metric for WIDER FACE AP."""
import os.path as osp
import sys

import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)
sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

torch = pytest.importorskip('torch')
pytest.importorskip('mmdet.registry', reason='mmdet (needs mmcv) missing')

from mmdet.structures import DetDataSample  # noqa: E402
from mmengine.evaluator import Evaluator  # noqa: E402
from mmengine.structures import InstanceData  # noqa: E402
from test_wider_eval import write_tiny_gt  # noqa: E402

from qmimic_mm.wider import (  # noqa: E402
    WIDER_SETTINGS, evaluate_wider, load_wider_ground_truth,
    read_wider_predictions)
from qmimic_mm.evaluation.metrics import WiderFaceMetric  # noqa: E402

# Detections as x1, y1, x2, y2, score per image of the tiny ground truth.
DETECTIONS = {
    ('0--A', 'a_1'): [[30, 30, 42, 42, 0.9], [1, 1, 11, 11, 0.4],
                      [200, 200, 220, 230, 0.3]],
    ('1--B', 'b_1'): [[5, 6, 25, 25, 0.8], [90, 90, 99, 99, 0.1]],
    # a_2 gets no detection at all.
}


def make_sample(event: str, name: str, dets) -> DetDataSample:
    dets = torch.tensor(dets, dtype=torch.float32).reshape(-1, 5)
    sample = DetDataSample(
        metainfo=dict(
            img_path=f'/data/WIDER_val/images/{event}/{name}.jpg',
            ori_shape=(480, 640)))
    pred = InstanceData()
    pred.bboxes = dets[:, :4]
    pred.scores = dets[:, 4]
    pred.labels = torch.zeros(len(dets), dtype=torch.long)
    sample.pred_instances = pred
    return sample


def expected_aps(gt_dir: str) -> dict:
    preds = {}
    for (event, name), dets in DETECTIONS.items():
        d = np.asarray(dets, dtype=np.float32).astype(np.float64)
        xywh = np.column_stack(
            [d[:, 0], d[:, 1], d[:, 2] - d[:, 0], d[:, 3] - d[:, 1], d[:, 4]])
        preds.setdefault(event, {})[name] = xywh
    return evaluate_wider(preds, load_wider_ground_truth(gt_dir))


@pytest.mark.parametrize('as_dict', [True, False])
def test_process_and_compute(tmp_path, as_dict: bool) -> None:
    gt_dir = str(tmp_path / 'gt')
    write_tiny_gt(gt_dir)
    metric = WiderFaceMetric(gt_dir=gt_dir)
    samples = [make_sample(e, n, d) for (e, n), d in DETECTIONS.items()]
    if as_dict:
        samples = [s.to_dict() for s in samples]
    metric.process({}, samples)
    res = metric.evaluate(size=len(samples))
    expected = expected_aps(gt_dir)
    assert set(res) == {
        f'wider/{s}{k}'
        for s in WIDER_SETTINGS for k in ('', '_best_f1', '_best_f1_thr')
    }
    for s in WIDER_SETTINGS:
        assert res[f'wider/{s}'] == pytest.approx(expected[s], abs=1e-12)
    # Hand check: all 3 counted faces are found before any false positive
    # in hard; in easy the box on the hard-only face (0.4) is dropped.
    assert res['wider/hard'] == pytest.approx(1.0)
    assert res['wider/easy'] == pytest.approx(1.0)
    # Best F1 = 1: hard reaches it with the third face at score 0.4, easy
    # (2 faces) with the second at 0.8.
    assert res['wider/hard_best_f1'] == pytest.approx(1.0)
    assert res['wider/hard_best_f1_thr'] == pytest.approx(0.4, abs=1e-6)
    assert res['wider/easy_best_f1_thr'] == pytest.approx(0.8, abs=1e-6)


def test_registry_evaluator_and_outputs(tmp_path) -> None:
    from mmdet.registry import METRICS

    gt_dir = str(tmp_path / 'gt')
    write_tiny_gt(gt_dir)
    pred_dir = tmp_path / 'pred'
    plot_dir = tmp_path / 'plots'
    metric = METRICS.build(
        dict(
            type='WiderFaceMetric',
            gt_dir=gt_dir,
            pred_dir=str(pred_dir),
            plot_dir=str(plot_dir),
            prefix='wf'))
    assert isinstance(metric, WiderFaceMetric)
    evaluator = Evaluator(metric)
    samples = [make_sample(e, n, d) for (e, n), d in DETECTIONS.items()]
    evaluator.process(samples[:1], {})
    evaluator.process(samples[1:], {})
    res = evaluator.evaluate(len(samples))
    assert {f'wf/{s}' for s in WIDER_SETTINGS} <= set(res)
    # The submission files read back to the same numbers.
    written = read_wider_predictions(str(pred_dir))
    assert sorted(written) == ['0--A', '1--B']
    assert written['0--A']['a_1'].shape == (3, 5)
    np.testing.assert_allclose(
        written['1--B']['b_1'][0], [5, 6, 20, 19, 0.8], rtol=1e-6)
    again = evaluate_wider(written, load_wider_ground_truth(gt_dir))
    for s in WIDER_SETTINGS:
        assert res[f'wf/{s}'] == pytest.approx(again[s], abs=1e-12)
        png = plot_dir / f'wider_pr_{s}.png'
        assert png.is_file() and png.read_bytes()[:4] == b'\x89PNG'


def test_empty_detections_and_missing_gt(tmp_path) -> None:
    gt_dir = str(tmp_path / 'gt')
    write_tiny_gt(gt_dir)
    metric = WiderFaceMetric(gt_dir=gt_dir)
    metric.process({}, [make_sample('0--A', 'a_1', []).to_dict()])
    res = metric.evaluate(size=1)
    assert all(res[f'wider/{s}'] == 0.0 for s in WIDER_SETTINGS)
    with pytest.raises(FileNotFoundError, match='wider_face_val.mat'):
        WiderFaceMetric(gt_dir=str(tmp_path / 'nowhere'))


def test_test_split(tmp_path) -> None:
    """split='test' scores against wider_*_test.mat; val files are not
    needed."""
    gt_dir = str(tmp_path / 'gt')
    write_tiny_gt(gt_dir, split='test')
    metric = WiderFaceMetric(gt_dir=gt_dir, split='test')
    metric.process({}, [make_sample(e, n, d)
                        for (e, n), d in DETECTIONS.items()])
    res = metric.evaluate(size=len(DETECTIONS))
    assert res['wider/hard'] == pytest.approx(1.0)
    with pytest.raises(FileNotFoundError, match='wider_face_val.mat'):
        WiderFaceMetric(gt_dir=gt_dir)
