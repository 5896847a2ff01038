"""The demo report's one-seed claims: a paired image bootstrap per AP claim
(the demo report's ``image_bootstraps``) from the runs' test detections."""
import numpy as np
import pytest

from projects.qmimic_demo.qmimic_demo import plan as demo_plan
from projects.qmimic_demo.qmimic_demo.claims import (
    HELD_IMAGES, NOT_HELD_IMAGES, check_all)
from projects.qmimic_demo.qmimic_demo.report import ap_cells, image_bootstraps
from qmimic_mm.wider import (WIDER_SETTINGS, WiderGroundTruth,
                             WiderImageGroundTruth, evaluate_wider)

FACES = {'a': [10, 10, 30, 30], 'b': [50, 50, 30, 30]}


def test_one_seed_claims_get_the_image_bootstrap(tmp_path):
    gt = WiderGroundTruth({'e': {
        n: WiderImageGroundTruth(
            np.array([box], np.int64),
            {s: np.array([0], np.int64) for s in WIDER_SETTINGS})
        for n, box in FACES.items()
    }})
    # distinct scores: with all scores equal no box passes a threshold
    perfect = {'e': {n: np.array([box + [score]], float)
                     for (n, box), score in zip(FACES.items(), (0.9, 0.8))}}
    half = {'e': {'a': perfect['e']['a'],
                  'b': np.array([[150, 150, 20, 20, 0.8]], float)}}
    plan = demo_plan.build_plan(demo_plan.DemoSettings(
        work_dir=str(tmp_path)))
    for run in plan.runs.values():
        preds = perfect if run.stage.key == 'qmimic' else half
        run.predictions['test'] = preds
        run.results['test'] = evaluate_wider(preds, gt)
    boots = image_bootstraps(plan, {'test': gt})
    assert set(boots) == {'qmimic-scratch', 'qmimic-mimic', 'mimic-scratch',
                          'teacher_q-teacher_fp', 'q_only-scratch'}
    # QM: AP 1 against 0.5; a resample drawing image b twice gives 1 - 0,
    # image a twice 1 - 1
    qm = boots['qmimic-scratch']['easy']
    assert qm.diff == pytest.approx(0.5)
    assert (qm.low, qm.high) == (0.0, 1.0)
    assert boots['mimic-scratch']['hard'].diff == 0.0
    verdicts = {f'{v.claim.a}-{v.claim.b}': v.verdict
                for v in check_all(ap_cells(plan, 'test'), {}, boots)}
    assert verdicts['qmimic-scratch'] == NOT_HELD_IMAGES  # low == 0
    assert verdicts['q_only-scratch'] == HELD_IMAGES  # [0, 0] is in ±m
    # two seeds: the interval is over seeds, no bootstrap
    two = demo_plan.build_plan(demo_plan.DemoSettings(
        work_dir=str(tmp_path), seeds=2))
    assert image_bootstraps(two, {'test': gt}) == {}
