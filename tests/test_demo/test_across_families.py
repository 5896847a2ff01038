"""Welch's interval against hand and scipy values, and the comparison of two
families' claims runs read from the predictions they wrote."""
import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from projects.qmimic_demo.qmimic_demo import across_families as af
from projects.qmimic_demo.qmimic_demo.stats import Cell
from projects.qmimic_demo.qmimic_demo.unpaired import WelchDiff
from qmimic_mm.wider import load_wider_ground_truth, write_wider_predictions


def test_welch_difference_against_hand_values():
    # a: mean 2, s^2 1, n 3 -> 1/3; b: mean 3, s^2 2, n 2 -> 1;
    # df = (4/3)^2 / ((1/3)^2 / 2 + 1^2 / 1) = 32/19
    welch = WelchDiff(Cell([1.0, 2.0, 3.0]), Cell([2.0, 4.0]))
    assert welch.mean == pytest.approx(-1.0)
    assert welch.df == pytest.approx(32 / 19)
    half = scipy_stats.t.ppf(0.975, 32 / 19) * math.sqrt(4 / 3)
    assert welch.interval == pytest.approx((-1 - half, -1 + half))
    # scipy's Welch test gives the same interval
    ci = scipy_stats.ttest_ind([1, 2, 3], [2, 4],
                               equal_var=False).confidence_interval()
    assert welch.interval == pytest.approx((ci.low, ci.high))


def test_welch_leaves_out_nans_and_needs_two_values_a_group():
    with_nan = WelchDiff(Cell([1.0, math.nan, 2.0, 3.0]), Cell([2.0, 4.0]))
    assert with_nan.df == pytest.approx(32 / 19)
    assert with_nan.mean == pytest.approx(-1.0)
    single = WelchDiff(Cell([0.5]), Cell([0.1, 0.3]))
    assert single.mean == pytest.approx(0.3)
    assert all(math.isnan(v) for v in single.interval)
    # no spread in either group: no interval rather than a zero-width one
    flat = WelchDiff(Cell([0.5, 0.5]), Cell([0.4, 0.4]))
    assert all(math.isnan(v) for v in flat.interval)


def test_table_rows_hold_the_reference_and_each_difference():
    ref = af.StudentResult('R', {'easy': Cell([0.5, 0.7])})
    students = {'mimic': af.StudentResult('M', {'easy': Cell([0.8, 0.8,
                                                              0.9])})}
    lines = af.comparison_table(students, ref, settings=('easy', ))
    assert lines[0] == '| Student | Easy | Easy - reference |'
    assert lines[2] == '| R (reference) | 0.600 ± 0.141 |  |'
    welch = WelchDiff(students['mimic'].cells['easy'], ref.cells['easy'])
    low, high = welch.interval
    assert lines[3] == (f'| M | 0.833 ± 0.058 | +0.233 '
                        f'[{low:+.3f}, {high:+.3f}] |')


def _write(pred_dir: str, gt, perfect: bool) -> None:
    """Every test face at score 0.9 and a false positive below it (AP 1;
    the protocol rescales the scores to [0, 1], so they must differ), or
    nothing at all (AP 0)."""
    for event, name, image in gt:
        faces = image.boxes[image.boxes[:, 2] > 0].astype(np.float64)
        rows = np.vstack([
            np.hstack([faces, np.full((len(faces), 1), 0.9)]),
            [[0.0, 0.0, 2.0, 2.0, 0.1]]
        ]) if perfect else np.zeros((0, 5))
        write_wider_predictions(pred_dir, event, name, rows)


def test_family_results_read_each_seed_and_name_an_unfinished_run(
        tiny_demo_faces, tmp_path):
    faces = tiny_demo_faces
    work_dir = str(tmp_path / 'one_stage')
    with pytest.raises(FileNotFoundError) as err:
        af.family_test_results(work_dir, 'one-stage', 2, faces)
    message = str(err.value)
    assert 'seed0' in message and 'preds_test' in message
    assert '--family one-stage' in message and '--skip-existing' in message

    gt = load_wider_ground_truth(faces + 'wider_face_split', 'test')
    # mimic perfect on both seeds, QM on seed 1 only, scratch never
    perfect = {('mimic', 0), ('mimic', 1), ('qmimic', 1)}
    for key, folder in (('scratch', 'rtmdet_cspnext-1-32_demo'),
                        ('mimic', 'mimic_rtmdet_cspnext-1-32_demo'),
                        ('qmimic', 'qmimic_rtmdet_cspnext-1-32_demo')):
        for seed in (0, 1):
            _write(f'{work_dir}/seed{seed}/{folder}/preds_test', gt,
                   (key, seed) in perfect)
    results = af.family_test_results(work_dir, 'one-stage', 2, faces)
    assert list(results) == list(af.STUDENTS)
    assert results['mimic'].cells['hard'].values == [1.0, 1.0]
    assert results['qmimic'].cells['easy'].values == [0.0, 1.0]
    assert results['qmimic'].cells['easy'].seeds == (0, 1)
    assert results['scratch'].cells['medium'].values == [0.0, 0.0]
    assert 'Quantization Mimic' in results['qmimic'].title
