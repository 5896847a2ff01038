"""The demo's metric (``DemoFaceMetric`` of projects/qmimic_demo): WIDER AP
plus the share of confident detections on the demo set's distractors, and
how the demo configs reach it (custom_imports from the repository root)."""
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
from mmdet.registry import METRICS
from mmengine.config import Config

from conftest import REPO
from projects.qmimic_demo.qmimic_demo.demo_distractors import (
    save_distractors)
from projects.qmimic_demo.qmimic_demo.demo_face_metric import DemoFaceMetric
from projects.qmimic_demo.qmimic_demo.distractor_share import (
    distractor_share)
from qmimic_mm.evaluation.metrics import WiderFaceMetric

sys.path.insert(0, osp.join(REPO, 'tests', 'test_evaluation'))
from test_wider_eval import write_tiny_gt  # noqa: E402
from test_wider_face_metric import DETECTIONS, make_sample  # noqa: E402

DEMO_CONFIG = 'configs/demo/rfcn_vgg1-32_demo.py'


def test_distractor_share_counts_confident_boxes_on_distractors() -> None:
    preds = {'0--A': {'a': np.array([[10, 10, 20, 20, 0.9],
                                     [50, 50, 10, 10, 0.7],
                                     [52, 50, 10, 10, 0.2]]),
                      'b': np.array([[0, 0, 5, 5, 0.8]])}}
    distractors = {'0--A/a.jpg': np.array([[50, 50, 10, 10]])}
    # 3 confident boxes; the 0.7 one is on the distractor (IoU 1)
    assert distractor_share(preds, distractors, 0.5) == \
        pytest.approx((1 / 3, 3))
    # the 0.2 box overlaps it with IoU 80/120 < 0.7: not counted
    assert distractor_share(preds, distractors, 0.1, iou_thr=0.7) == \
        pytest.approx((1 / 4, 4))
    share, n = distractor_share(preds, distractors, 0.95)
    assert n == 0 and np.isnan(share)


def _evaluate(metric) -> dict:
    samples = [make_sample(e, n, d) for (e, n), d in DETECTIONS.items()]
    metric.process({}, samples)
    return metric.evaluate(size=len(samples))


def test_demo_face_metric_adds_the_distractor_share(tmp_path) -> None:
    """50% recall on medium (1 of its 2 faces) is reached at score 0.9, so
    only that box is confident: a distractor under the 0.8 box does not
    count (share 0), one under the 0.9 box does (share 1). The WIDER
    metrics are WiderFaceMetric's."""
    gt_dir = str(tmp_path / 'gt')
    write_tiny_gt(gt_dir)
    wider = _evaluate(WiderFaceMetric(gt_dir=gt_dir))
    assert not any('distractor' in key for key in wider)
    path = str(tmp_path / 'demo_distractors_val.json')
    for image, box, share in (('1--B/b_1.jpg', [5, 6, 20, 19], 0.0),
                              ('0--A/a_1.jpg', [30, 30, 12, 12], 1.0)):
        save_distractors(path, {image: np.array([box])}, 'val')
        res = _evaluate(DemoFaceMetric(gt_dir=gt_dir, distractor_file=path))
        assert res.pop('wider/distractor_share') == pytest.approx(share)
        assert res == wider


def test_the_library_metric_has_no_distractor_argument(tmp_path) -> None:
    gt_dir = str(tmp_path / 'gt')
    write_tiny_gt(gt_dir)
    with pytest.raises(TypeError, match='distractor_file'):
        WiderFaceMetric(gt_dir=gt_dir, distractor_file='x.json')
    with pytest.raises(FileNotFoundError, match='make_demo_faces.py'):
        DemoFaceMetric(gt_dir=gt_dir, distractor_file=str(tmp_path / 'no'))


def test_demo_configs_build_the_demo_metric(tmp_path) -> None:
    cfg = Config.fromfile(osp.join(REPO, DEMO_CONFIG))
    assert cfg.custom_imports.imports == [
        'qmimic_mm.all_modules',
        'projects.qmimic_demo.qmimic_demo.demo_face_metric'
    ]
    gt_dir = str(tmp_path / 'gt')
    write_tiny_gt(gt_dir)
    save_distractors(str(tmp_path / 'd.json'), {}, 'val')
    for key in ('val_evaluator', 'test_evaluator'):
        assert cfg[key].distractor_file.endswith(
            f'demo_distractors_{cfg[key].split}.json')
        metric = METRICS.build({**cfg[key], 'gt_dir': gt_dir, 'split': 'val',
                                'distractor_file': str(tmp_path / 'd.json')})
        assert type(metric) is DemoFaceMetric


@pytest.mark.parametrize('tool,args,error', [
    ('tools/test.py', ['no_such.pth'], 'no_such.pth'),
    ('tools/train.py', ['--cfg-options', 'no_such_key=1'], 'no_such_key'),
])
def test_tools_import_the_project_from_the_repository_root(
        tmp_path, tool, args, error) -> None:
    """The tools put the repository root on ``sys.path`` themselves: with
    only qmimic_mm importable (as after an install), a demo config loads
    (its custom_imports name the project) and the tool goes on to its next
    check."""
    (tmp_path / 'qmimic_mm').symlink_to(osp.join(REPO, 'qmimic_mm'))
    env = dict(os.environ, PYTHONPATH=str(tmp_path), OMP_NUM_THREADS='1')
    done = subprocess.run([sys.executable, tool, DEMO_CONFIG, *args],
                          cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2, done.stderr[-3000:]
    assert error in done.stderr and 'Traceback' not in done.stderr
