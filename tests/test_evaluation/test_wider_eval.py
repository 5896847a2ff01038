"""WIDER FACE evaluation: fast vs reference, hand-checked cases, file io."""
import json
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional

import numpy as np
import pytest
import scipy.io

from wider_eval_reference import evaluate_wider_reference

from qmimic_mm.wider import (WIDER_SETTINGS, WiderGroundTruth,
                             WiderImageGroundTruth, evaluate_wider,
                             load_wider_ground_truth, read_wider_predictions,
                             write_wider_predictions)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

REAL_GT_DIR = osp.join(REPO_ROOT, '..', 'shared', 'data', 'widerface_val_gt')
needs_real_gt = pytest.mark.skipif(
    not osp.isfile(osp.join(REAL_GT_DIR, 'wider_face_val.mat')),
    reason=f'real WIDER FACE val ground truth not found at {REAL_GT_DIR}')


@pytest.fixture(scope='module')
def real_gt() -> WiderGroundTruth:
    return load_wider_ground_truth(REAL_GT_DIR)


def make_gt(images: Dict[str, Dict[str, tuple]]) -> WiderGroundTruth:
    """Hand-made ground truth: ``{event: {image: (boxes, keep per setting)}}``.

    ``keep`` is either one 0-based index list for all settings or a dict.
    """
    out = {}
    for event, imgs in images.items():
        out[event] = {}
        for name, (boxes, keep) in imgs.items():
            if not isinstance(keep, dict):
                keep = {s: keep for s in WIDER_SETTINGS}
            out[event][name] = WiderImageGroundTruth(
                np.asarray(boxes, dtype=np.int64).reshape(-1, 4), {
                    s: np.asarray(k, dtype=np.int64)
                    for s, k in keep.items()
                })
    return WiderGroundTruth(out)


def synthetic_predictions(gt: WiderGroundTruth,
                          seed: int) -> Dict[str, Dict[str, np.ndarray]]:
    """Seeded predictions with every edge case the protocol cares about."""
    rng = np.random.default_rng(seed)
    preds: Dict[str, Dict[str, np.ndarray]] = {}
    for event, name, image_gt in gt:
        u = rng.random()
        if u < 0.05:
            continue  # no file
        if u < 0.1:
            preds.setdefault(event, {})[name] = np.zeros((0, 5))
            continue  # empty file
        gt_boxes = image_gt.boxes.astype(np.float64)
        found = gt_boxes[rng.random(len(gt_boxes)) < 0.8]  # missed faces
        size = np.maximum(found[:, 2:4], 1)
        jit = found.copy()
        jit[:, :2] += rng.normal(0, 0.15, (len(found), 2)) * size
        jit[:, 2:4] = size * np.exp(rng.normal(0, 0.15, (len(found), 2)))
        integer = rng.random(len(found)) < 0.4  # exact rational IoUs
        jit[integer] = np.round(jit[integer])
        dup = jit[rng.random(len(jit)) < 0.15] + rng.normal(0, 0.5, 4)
        extent = gt_boxes[:, :2].max(0) + gt_boxes[:, 2:].max(0) + 50
        n_fp = rng.poisson(4)
        fp = np.column_stack([
            rng.uniform(0, extent[0], n_fp),
            rng.uniform(0, extent[1], n_fp),
            rng.uniform(1, 60, (n_fp, 2))
        ])
        n_deg = rng.poisson(0.5)
        deg = np.column_stack([
            rng.uniform(0, extent[0], n_deg),
            rng.uniform(0, extent[1], n_deg),
            rng.choice([0.0, -1.0, -2.5, 3.0], (n_deg, 2))
        ])
        xywh = np.concatenate([jit, dup, fp, deg])
        scores = rng.random(len(xywh))
        # On-threshold scores (1 - k/1000) and exact ties.
        snap = rng.random(len(scores)) < 0.4
        scores[snap] = 1 - rng.integers(0, 1001, snap.sum()) / 1000
        preds.setdefault(event, {})[name] = np.column_stack(
            [xywh, scores])[rng.permutation(len(scores))]
    # Pin min 0 / max 1 so normalised scores land exactly on thresholds.
    event = next(iter(preds))
    name = next(iter(preds[event]))
    preds[event][name] = np.vstack(
        [preds[event][name], [[0, 0, 5, 5, 0.0], [3, 3, 5, 5, 1.0]]])
    # An image outside the ground truth: only takes part in normalisation.
    preds['999--Elsewhere'] = {'999_x_1': np.array([[1, 1, 9, 9, 0.25]])}
    return preds


def gt_slice(gt: WiderGroundTruth, step: int) -> WiderGroundTruth:
    """Every ``step``-th image plus all zero-face / degenerate-box images."""
    out: Dict[str, Dict[str, WiderImageGroundTruth]] = {}
    for i, (event, name, image_gt) in enumerate(gt):
        boxes = image_gt.boxes
        special = (boxes[:, 2] <= 0).any() or (boxes[:, 3] <= 0).any()
        if i % step == 0 or special:
            out.setdefault(event, {})[name] = image_gt
    return WiderGroundTruth(out)


def assert_same(fast: dict, ref: dict, tol: float = 1e-9) -> None:
    for s in WIDER_SETTINGS:
        assert abs(fast[s] - ref[s]) <= tol, (s, fast[s], ref[s])
        f_curve, r_curve = fast['pr_curves'][s], ref['pr_curves'][s]
        np.testing.assert_allclose(
            f_curve['recall'], r_curve['recall'], rtol=0, atol=tol)
        # The reference has NaN (0/0) where no box passes; fast reports 0.
        r_prec = np.nan_to_num(r_curve['precision'], nan=0.0)
        np.testing.assert_allclose(
            f_curve['precision'], r_prec, rtol=0, atol=tol)


# ----------------------------------------------------------- real ground truth
@needs_real_gt
def test_real_ground_truth_facts(real_gt: WiderGroundTruth) -> None:
    assert len(real_gt) == 3226
    assert len(real_gt.images) == 61
    assert sum(g.boxes.shape[0] for _, _, g in real_gt) == 39708
    assert [real_gt.num_faces(s)
            for s in WIDER_SETTINGS] == [7211, 13319, 31958]
    for _, _, g in real_gt:
        easy, medium, hard = (set(g.keep[s].tolist()) for s in WIDER_SETTINGS)
        assert easy <= medium <= hard
        assert all(0 <= i < g.boxes.shape[0] for i in hard)


@needs_real_gt
@pytest.mark.parametrize('seed,iou_thresh', [(0, 0.5), (1, 0.5), (2, 0.3)])
def test_fast_matches_reference_on_real_gt(tmp_path, real_gt, seed,
                                           iou_thresh) -> None:
    gt = gt_slice(real_gt, step=40 + seed)
    preds = synthetic_predictions(gt, seed)
    # Through the official file layout, as a submission would be.
    for event, images in preds.items():
        for name, boxes in images.items():
            write_wider_predictions(str(tmp_path), event, name, boxes)
    preds = read_wider_predictions(str(tmp_path))
    fast = evaluate_wider(preds, gt, iou_thresh=iou_thresh)
    ref = evaluate_wider_reference(preds, gt, iou_thresh=iou_thresh)
    assert_same(fast, ref)
    assert all(0 < fast[s] < 1 for s in WIDER_SETTINGS)


@needs_real_gt
def test_fast_matches_reference_coarse_thresholds(real_gt) -> None:
    gt = gt_slice(real_gt, step=97)
    preds = synthetic_predictions(gt, 5)
    assert_same(
        evaluate_wider(preds, gt, num_thresholds=37),
        evaluate_wider_reference(preds, gt, num_thresholds=37))


@needs_real_gt
def test_missing_images_count_as_no_predictions(real_gt) -> None:
    gt = gt_slice(real_gt, step=200)
    preds = synthetic_predictions(gt, 3)
    event, name, _ = next(iter(gt))
    with_empty = {e: dict(imgs) for e, imgs in preds.items()}
    with_empty.setdefault(event, {})[name] = np.zeros((0, 5))
    without = {e: dict(imgs) for e, imgs in preds.items()}
    without.get(event, {}).pop(name, None)
    a = evaluate_wider(with_empty, gt)
    b = evaluate_wider(without, gt)
    for s in WIDER_SETTINGS:
        assert a[s] == b[s]


# ------------------------------------------------------- hand-checked cases
def test_perfect_predictions_ap_one() -> None:
    boxes = [[10, 10, 20, 20], [50, 50, 30, 40], [100, 20, 8, 9]]
    gt = make_gt(
        {'e': {
            'a': (boxes, [0, 1, 2]),
            'b': ([[5, 5, 50, 50]], [0])
        }})
    preds = {
        'e': {
            'a':
            np.array([b + [s] for b, s in zip(boxes, [0.9, 0.8, 0.7])],
                     dtype=float),
            'b':
            np.array([[5, 5, 50, 50, 0.6]])
        }
    }
    for res in (evaluate_wider(preds, gt), evaluate_wider_reference(preds,
                                                                    gt)):
        for s in WIDER_SETTINGS:
            assert res[s] == pytest.approx(1.0, abs=1e-12)


def test_duplicate_detection_stays_false_positive() -> None:
    gt = make_gt({'e': {'a': ([[10, 10, 20, 20]], [0])}})
    preds = {
        'e': {
            'a':
            np.array([
                [10, 10, 20, 20, 1.0],  # match
                [11, 10, 20, 20, 0.5],  # second hit on the same face
                [200, 200, 10, 10, 0.0]  # background
            ])
        }
    }
    for res in (evaluate_wider(preds, gt), evaluate_wider_reference(preds,
                                                                    gt)):
        prec = res['pr_curves']['hard']['precision']
        rec = res['pr_curves']['hard']['recall']
        assert prec[0] == 1.0 and rec[0] == 1.0  # thr 0.999: first box only
        assert prec[499] == 0.5  # thr 0.5: the duplicate counts as a FP
        assert prec[-1] == pytest.approx(1 / 3)  # thr 0: all three
        assert rec[-1] == 1.0


def test_match_on_ignored_face_is_dropped() -> None:
    # Face 0 counts only in hard, face 1 in every setting.
    gt = make_gt({
        'e': {
            'a': ([[10, 10, 20, 20], [100, 100, 20, 20]], {
                'easy': [1],
                'medium': [1],
                'hard': [0, 1]
            })
        }
    })
    preds = {
        'e': {
            'a':
            np.array([[10, 10, 20, 20, 1.0], [100, 100, 20, 20, 0.5],
                      [300, 300, 10, 10, 0.0]])
        }
    }
    fast = evaluate_wider(preds, gt)
    ref = evaluate_wider_reference(preds, gt)
    assert_same(fast, ref)
    for res in (fast, ref):
        easy = res['pr_curves']['easy']
        # The box on the ignored face is neither TP nor FP: at thr 0.5 only
        # the box on face 1 is a proposal; at thr 0 the background box too.
        assert easy['precision'][499] == 1.0
        assert easy['precision'][-1] == 0.5
        assert res['easy'] == pytest.approx(1.0)
        assert res['hard'] == pytest.approx(1.0)
    # Reference: nothing passes 0.999 in easy except the dropped box -> 0/0.
    assert np.isnan(ref['pr_curves']['easy']['precision'][0])
    assert fast['pr_curves']['easy']['precision'][0] == 0.0


def test_equal_scores_and_no_predictions() -> None:
    gt = make_gt({'e': {'a': ([[10, 10, 20, 20]], [0])}})
    same = {'e': {'a': np.array([[10, 10, 20, 20, 0.7]])}}
    for preds in (same, {}):
        fast = evaluate_wider(preds, gt)
        ref = evaluate_wider_reference(preds, gt)
        for s in WIDER_SETTINGS:
            assert fast[s] == ref[s] == 0.0


# ------------------------------------------------------------ file layout
def test_write_read_round_trip(tmp_path) -> None:
    rng = np.random.default_rng(0)
    boxes = np.column_stack([rng.uniform(-5, 1000, (7, 4)), rng.random(7)])
    boxes[0, :4] = [1, 2, 3, 4]
    path = write_wider_predictions(str(tmp_path), '0--Parade', 'img_1', boxes)
    write_wider_predictions(
        str(tmp_path), '0--Parade', 'img_2', np.zeros((0, 5)))
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines[0] == 'img_1' and lines[1] == '7' and len(lines) == 9
    (tmp_path / '1--Other').mkdir()
    (tmp_path / '1--Other' / 'blank.txt').write_text('')
    preds = read_wider_predictions(str(tmp_path))
    np.testing.assert_array_equal(preds['0--Parade']['img_1'], boxes)
    assert preds['0--Parade']['img_2'].shape == (0, 5)
    assert preds['1--Other']['blank'].shape == (0, 5)


@pytest.mark.parametrize('content,line', [
    ('img\n2\n1 2 3 4 0.5\n1 2 x 4 0.5\n', 4),
    ('img\n1\n1 2 3 4\n', 3),
    ('img\ntwo\n1 2 3 4 0.5\n', 2),
    ('img\n3\n1 2 3 4 0.5\n', 2),
    ('img\n1\n1 2 3 nan 0.5\n', 3),
    ('img\n', 2),
])
def test_malformed_file_names_file_and_line(tmp_path, content: str,
                                            line: int) -> None:
    event_dir = tmp_path / '0--Parade'
    event_dir.mkdir()
    path = event_dir / 'bad.txt'
    path.write_text(content)
    with pytest.raises(ValueError, match=f'bad.txt:{line}'):
        read_wider_predictions(str(tmp_path))


def test_missing_prediction_dir_raises(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        read_wider_predictions(str(tmp_path / 'nope'))


# ------------------------------------------------------------ ground truth io
def write_tiny_gt(gt_dir: str,
                  drop_key: Optional[str] = None,
                  skip_file: Optional[str] = None,
                  split: str = 'val') -> None:
    """Four official-style .mat files of ``split`` for 2 events / 3
    images."""
    names: List[List[str]] = [['a_1', 'a_2'], ['b_1']]
    boxes = [[[[1, 1, 10, 10], [30, 30, 12, 12]], [[0, 0, 0, 0]]],
             [[[5, 5, 20, 20]]]]
    keeps = {
        'easy': [[[2], []], [[1]]],
        'medium': [[[2], []], [[1]]],
        'hard': [[[1, 2], []], [[1]]]
    }

    def cells(items):
        arr = np.empty((len(items), 1), dtype=object)
        for i, item in enumerate(items):
            arr[i, 0] = item
        return arr

    main = {
        'event_list':
        cells([np.array(['0--A']), np.array(['1--B'])]),
        'file_list':
        cells([cells([np.array([n]) for n in ev]) for ev in names]),
        'face_bbx_list':
        cells([
            cells([np.array(b, dtype=np.int32) for b in ev]) for ev in boxes
        ]),
    }
    files = {f'wider_face_{split}.mat': main}
    for s, keep in keeps.items():
        files[f'wider_{s}_{split}.mat'] = {
            'event_list':
            main['event_list'],
            'file_list':
            main['file_list'],
            'gt_list':
            cells([
                cells([np.array(k, dtype=np.uint8).reshape(-1, 1) for k in ev])
                for ev in keep
            ]),
        }
    os.makedirs(gt_dir, exist_ok=True)
    for fname, data in files.items():
        if fname == skip_file:
            continue
        data = {k: v for k, v in data.items() if k != drop_key}
        scipy.io.savemat(osp.join(gt_dir, fname), data)


def test_load_tiny_gt(tmp_path) -> None:
    write_tiny_gt(str(tmp_path))
    gt = load_wider_ground_truth(str(tmp_path))
    assert list(gt.images) == ['0--A', '1--B']
    assert list(gt.images['0--A']) == ['a_1', 'a_2']
    a1 = gt.images['0--A']['a_1']
    np.testing.assert_array_equal(a1.boxes, [[1, 1, 10, 10], [30, 30, 12, 12]])
    assert a1.keep['easy'].tolist() == [1]
    assert a1.keep['hard'].tolist() == [0, 1]
    assert gt.images['0--A']['a_2'].keep['hard'].size == 0
    assert [gt.num_faces(s) for s in WIDER_SETTINGS] == [2, 2, 3]


def test_load_gt_errors_name_the_file(tmp_path) -> None:
    write_tiny_gt(str(tmp_path / 'a'), skip_file='wider_medium_val.mat')
    with pytest.raises(FileNotFoundError, match='wider_medium_val.mat'):
        load_wider_ground_truth(str(tmp_path / 'a'))
    write_tiny_gt(str(tmp_path / 'b'), drop_key='gt_list')
    with pytest.raises(ValueError, match=r'wider_easy_val.mat.*gt_list'):
        load_wider_ground_truth(str(tmp_path / 'b'))
    write_tiny_gt(str(tmp_path / 'c'), drop_key='face_bbx_list')
    with pytest.raises(ValueError, match=r'wider_face_val.mat.*face_bbx_list'):
        load_wider_ground_truth(str(tmp_path / 'c'))


def test_load_other_split(tmp_path) -> None:
    """split='test' reads wider_*_test.mat; a split without files fails
    naming the file and the split."""
    write_tiny_gt(str(tmp_path), split='test')
    gt = load_wider_ground_truth(str(tmp_path), split='test')
    assert [gt.num_faces(s) for s in WIDER_SETTINGS] == [2, 2, 3]
    with pytest.raises(FileNotFoundError,
                       match=r"wider_face_val.mat .*split='val'"):
        load_wider_ground_truth(str(tmp_path))
    (tmp_path / 'wider_hard_test.mat').unlink()
    with pytest.raises(FileNotFoundError, match='wider_hard_test.mat'):
        load_wider_ground_truth(str(tmp_path), split='test')
    with pytest.raises(ValueError, match='plain name'):
        load_wider_ground_truth(str(tmp_path), split='../val')


# ------------------------------------------------------------------- CLI
def test_cli(tmp_path) -> None:
    gt_dir = tmp_path / 'gt'
    write_tiny_gt(str(gt_dir))
    pred_dir = tmp_path / 'pred'
    write_wider_predictions(
        str(pred_dir), '0--A', 'a_1',
        np.array([[30, 30, 12, 12, 0.9], [1, 1, 10, 10, 0.4]]))
    write_wider_predictions(
        str(pred_dir), '1--B', 'b_1',
        np.array([[5, 5, 20, 20, 0.8], [90, 90, 9, 9, 0.1]]))
    out = tmp_path / 'ap.json'
    script = osp.join(REPO_ROOT, 'tools', 'analysis_tools', 'wider_eval.py')
    proc = subprocess.run([
        sys.executable, script, '--pred',
        str(pred_dir), '--gt',
        str(gt_dir), '--out',
        str(out)
    ],
                          capture_output=True,
                          text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    aps = json.loads(out.read_text())
    assert set(aps) == set(WIDER_SETTINGS)
    expected = evaluate_wider(
        read_wider_predictions(str(pred_dir)),
        load_wider_ground_truth(str(gt_dir)))
    for s in WIDER_SETTINGS:
        assert aps[s] == pytest.approx(expected[s], abs=1e-12)
        assert f'{s.capitalize()}' in proc.stdout

    (pred_dir / '1--B' / 'b_1.txt').write_text('b_1\n1\n1 2 3\n')
    proc = subprocess.run(
        [sys.executable, script, '--pred',
         str(pred_dir), '--gt',
         str(gt_dir)],
        capture_output=True,
        text=True,
        timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count('\n') == 0
    assert 'b_1.txt:3' in proc.stderr

    proc = subprocess.run([
        sys.executable, script, '--pred',
        str(tmp_path / 'missing'), '--gt',
        str(gt_dir)
    ],
                          capture_output=True,
                          text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith('error:')
    assert 'missing' in proc.stderr
