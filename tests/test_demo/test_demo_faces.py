"""The demo face generator writes a deterministic official WIDER layout."""
import glob
import os.path as osp
from typing import Dict

import cv2
import numpy as np
import pytest
import scipy.io

from projects.qmimic_demo.qmimic_demo.demo_faces import (
    BACKGROUND_FILES, DEMO_SPLITS, NUM_LFW_FACES, DemoFacesConfig,
    make_demo_faces, split_assets)
from qmimic_mm.datasets import WiderFaceOfficialDataset
from qmimic_mm.wider import parse_wider_bbx_gt
from toy_configs import load_tool

TINY = DemoFacesConfig(
    num_train=8,
    num_val=24,
    num_test=12,
    seed=3,
    img_size=(80, 112),
    zero_face_every=6)
OFFICIAL_GT = '/work/shared/data/widerface_val_gt'
MAT_KEYS = {
    'event_list', 'file_list', 'face_bbx_list', 'blur_label_list',
    'expression_label_list', 'illumination_label_list', 'invalid_label_list',
    'occlusion_label_list', 'pose_label_list'
}
SETTINGS = ('easy', 'medium', 'hard')


@pytest.fixture(scope='module')
def demo(tmp_path_factory: pytest.TempPathFactory) -> Dict:
    root = str(tmp_path_factory.mktemp('demo'))
    stats = make_demo_faces(root, TINY, progress=False)
    return dict(root=root, stats=stats)


def _files(root: str) -> Dict[str, str]:
    return {
        osp.relpath(p, root): p
        for p in glob.glob(osp.join(root, '**', '*.*'), recursive=True)
    }


def test_layout_and_determinism(demo: Dict, tmp_path) -> None:
    root = demo['root']
    files = _files(root)
    split = 'wider_face_split'
    names = [f'wider_face_{s}_bbx_gt.txt' for s in DEMO_SPLITS]
    names += [f'wider_{kind}_{s}.mat' for s in ('val', 'test')
              for kind in ('face', ) + SETTINGS]
    for name in names:
        assert osp.join(split, name) in files
    jpgs = [k for k in files if k.endswith('.jpg')]
    assert len(jpgs) == TINY.num_train + TINY.num_val + TINY.num_test
    for s in DEMO_SPLITS:
        in_split = [k for k in jpgs
                    if k.split(osp.sep)[:2] == [f'WIDER_{s}', 'images']]
        assert len(in_split) == getattr(TINY, f'num_{s}')

    # same seed, second folder: identical annotation bytes and pixels
    again = str(tmp_path / 'again')
    assert make_demo_faces(again, TINY, progress=False) == demo['stats']
    files2 = _files(again)
    assert files2.keys() == files.keys()
    for rel, path in files.items():
        if rel.endswith('.jpg'):
            a = cv2.imread(path, cv2.IMREAD_UNCHANGED)
            b = cv2.imread(files2[rel], cv2.IMREAD_UNCHANGED)
            assert a.ndim == 2 and max(a.shape) <= TINY.img_size[1]
            np.testing.assert_array_equal(a, b)
        else:
            with open(path, 'rb') as f1, open(files2[rel], 'rb') as f2:
                assert f1.read() == f2.read(), rel

    other = str(tmp_path / 'other_seed')
    make_demo_faces(other, DemoFacesConfig(**{**TINY.__dict__, 'seed': 4}),
                    progress=False)
    txt = osp.join(split, 'wider_face_val_bbx_gt.txt')
    with open(files[txt]) as f1, open(osp.join(other, txt)) as f2:
        assert f1.read() != f2.read()


def test_txt_content(demo: Dict) -> None:
    path = osp.join(demo['root'], 'wider_face_split',
                    'wider_face_val_bbx_gt.txt')
    with open(path) as f:
        records = parse_wider_bbx_gt(f.read(), path)
    assert len(records) == TINY.num_val
    assert len({r.event for r in records}) == 4
    assert sum(not r.boxes for r in records) == TINY.num_val // 6
    boxes = np.array([b for r in records for b in r.boxes])
    assert len(boxes) == demo['stats']['val_faces']
    sizes = boxes[:, 2:4]
    assert sizes.min() >= TINY.face_size[0]
    assert sizes[:, 0].max() <= TINY.face_size[1]
    # attributes actually vary: blur levels, occlusion levels, invalid faces
    assert set(boxes[:, 4]) == {0, 1, 2}
    assert set(boxes[:, 8]) == {0, 1, 2}
    assert boxes[:, 7].sum() == demo['stats']['val_invalid'] > 0
    assert all((boxes[boxes[:, 7] == 1, 8] == 2))  # invalid = heavily occluded


def test_splits_disjoint() -> None:
    """Identities (face crops), non-face crops and scenes never cross
    splits, and together they use every asset."""
    assets = split_assets(DemoFacesConfig())
    assert tuple(assets) == DEMO_SPLITS
    assert [len(a.face_ids) for a in assets.values()] == [60, 20, 20]
    for field in ('face_ids', 'non_face_ids', 'backgrounds'):
        pools = [set(getattr(a, field)) for a in assets.values()]
        assert all(pools)
        for i in range(len(pools)):
            for j in range(i + 1, len(pools)):
                assert not pools[i] & pools[j], (field, i, j)
    assert set().union(*(a.face_ids for a in assets.values())) == set(
        range(NUM_LFW_FACES))
    assert all(i >= NUM_LFW_FACES for a in assets.values()
               for i in a.non_face_ids)
    assert set().union(*(a.backgrounds for a in assets.values())) == set(
        BACKGROUND_FILES)
    # the seed changes the images, not the partition
    assert split_assets(DemoFacesConfig(seed=7)) == assets
    with pytest.raises(ValueError, match='split_fractions'):
        split_assets(DemoFacesConfig(split_fractions=(0.8, 0.2, 0.2)))


def test_loads_with_dataset(demo: Dict) -> None:
    invalid = []
    for split in DEMO_SPLITS:
        ds = WiderFaceOfficialDataset(
            data_root=demo['root'],
            ann_file=f'wider_face_split/wider_face_{split}_bbx_gt.txt',
            data_prefix=dict(img=f'WIDER_{split}/images/'))
        assert len(ds) == getattr(TINY, f'num_{split}')
        info = ds.get_data_info(0)
        assert osp.isfile(info['img_path'])
        assert TINY.img_size[0] <= max(info['width'], info['height']) \
            <= TINY.img_size[1]
        invalid += [i for k in range(len(ds))
                    for i in ds.get_data_info(k)['instances']
                    if i['invalid']]
    assert invalid and all(i['ignore_flag'] == 1 for i in invalid)


def _load(root: str, name: str) -> dict:
    return scipy.io.loadmat(osp.join(root, 'wider_face_split', name))


def test_mat_structure(demo: Dict) -> None:
    root = demo['root']
    with open(osp.join(root, 'wider_face_split',
                       'wider_face_val_bbx_gt.txt')) as f:
        records = {f'{r.event}/{r.name}': r
                   for r in parse_wider_bbx_gt(f.read())}
    for name in ('wider_face_val.mat', ) + tuple(
            f'wider_{s}_val.mat' for s in SETTINGS):
        mat = _load(root, name)
        keys = {k for k in mat if not k.startswith('__')}
        assert keys == (MAT_KEYS if name == 'wider_face_val.mat' else
                        MAT_KEYS | {'gt_list'})
        events = mat['event_list']
        assert events.dtype == object and events.shape == (4, 1)
        names = [str(events[i, 0][0]) for i in range(4)]
        assert names == sorted(names)
        seen = 0
        for i, event in enumerate(names):
            files = mat['file_list'][i, 0]
            assert files.dtype == object and files.shape[1] == 1
            for j in range(files.shape[0]):
                rec = records[f'{event}/{files[j, 0][0]}']
                seen += 1
                bbx = mat['face_bbx_list'][i, 0][j, 0]
                assert bbx.dtype == np.int32 and bbx.shape[1] == 4
                rows = np.array(rec.boxes).reshape(-1, 10)
                if len(rows) == 0:  # official: one all-zero row
                    rows = np.zeros((1, 10), int)
                np.testing.assert_array_equal(bbx, rows[:, :4])
                for k, attr in enumerate(('blur', 'expression',
                                          'illumination', 'invalid',
                                          'occlusion', 'pose')):
                    lab = mat[f'{attr}_label_list'][i, 0][j, 0]
                    assert lab.dtype == np.uint8
                    assert lab.shape == (len(rows), 1)
                    np.testing.assert_array_equal(lab[:, 0], rows[:, 4 + k])
        assert seen == TINY.num_val


def _keep(root: str, setting: str) -> Dict[str, set]:
    mat = _load(root, f'wider_{setting}_val.mat')
    out = {}
    for i in range(mat['event_list'].shape[0]):
        for j in range(mat['file_list'][i, 0].shape[0]):
            gt = mat['gt_list'][i, 0][j, 0]
            assert gt.dtype in (np.uint8, np.uint16)
            assert gt.ndim == 2 and gt.shape[1] in (0, 1)
            inv = mat['invalid_label_list'][i, 0][j, 0][:, 0]
            nboxes = mat['face_bbx_list'][i, 0][j, 0]
            if not nboxes.any():  # zero-face image: 0 x 0 like the official
                assert gt.shape == (0, 0)
            idx = gt.astype(int).ravel()
            assert ((idx >= 1) & (idx <= len(inv))).all()  # 1-based
            assert not inv[idx - 1].any()  # invalid never kept
            out[str(mat['file_list'][i, 0][j, 0][0])] = set(idx.tolist())
    return out


def test_keep_lists_nested(demo: Dict) -> None:
    keeps = {s: _keep(demo['root'], s) for s in SETTINGS}
    for img in keeps['hard']:
        assert keeps['easy'][img] <= keeps['medium'][img] <= keeps['hard'][img]
    totals = [sum(map(len, keeps[s].values())) for s in SETTINGS]
    assert totals == [demo['stats'][f'val_{s}'] for s in SETTINGS]
    assert 0 < totals[0] < totals[1] < totals[2]
    assert totals[2] == demo['stats']['val_faces'] - demo['stats'][
        'val_invalid']


@pytest.mark.skipif(not osp.isdir(OFFICIAL_GT),
                    reason='official WIDER FACE ground truth not available')
def test_mat_matches_official_types(demo: Dict) -> None:
    """Same variables, dtypes and nesting as the official eval files."""

    def signature(x):
        if x.dtype == object:
            return ('cell', x.ndim, x.shape[1], signature(x.flat[0]))
        if x.dtype.kind == 'U':
            return ('char', x.shape)
        return (x.dtype.str, x.ndim, x.shape[1])

    for setting in ('face', 'easy', 'hard'):
        name = f'wider_{setting}_val.mat'
        ours = _load(demo['root'], name)
        ref = scipy.io.loadmat(osp.join(OFFICIAL_GT, name))
        assert ours.keys() == ref.keys()
        for key in ref:
            if not key.startswith('__'):
                assert signature(ours[key]) == signature(ref[key]), key


def test_cli(tmp_path) -> None:
    cli = load_tool('tools/dataset_converters/make_demo_faces.py',
                    'make_demo_faces')
    out = str(tmp_path / 'cli')
    preview = str(tmp_path / 'preview.png')
    cli.main(['--out', out, '--num-train', '2', '--num-val', '3',
              '--num-test', '4', '--seed', '1', '--img-size', '64',
              '--no-progress', '--preview', preview])
    # one row of at most 4 panels of 200 px under a 26 px legend strip
    drawn = cv2.imread(preview)
    assert drawn.shape[0] == 26 + 200 and (drawn.shape[1] - 190) % 200 == 0
    imgs = glob.glob(osp.join(out, 'WIDER_val', 'images', '*', '*.jpg'))
    assert len(imgs) == 3
    assert len(glob.glob(osp.join(out, 'WIDER_test', 'images', '*',
                                  '*.jpg'))) == 4
    assert all(max(cv2.imread(p, 0).shape) == 64 for p in imgs)
    with pytest.raises(SystemExit):
        cli.parse_args(['--out', out, '--img-size', '64', '32'])


@pytest.mark.parametrize('split', ['val', 'test'])
def test_perfect_predictions_give_ap_one(demo: Dict, split: str) -> None:
    from qmimic_mm import wider as wider_eval
    gt_dir = osp.join(demo['root'], 'wider_face_split')
    ground_truth = wider_eval.load_wider_ground_truth(gt_dir, split)
    assert len(ground_truth) == getattr(TINY, f'num_{split}')
    path = osp.join(gt_dir, f'wider_face_{split}_bbx_gt.txt')
    with open(path) as f:
        records = parse_wider_bbx_gt(f.read(), path)
    num_boxes = sum(len(r.boxes) for r in records)
    # distinct scores, unrelated to face size or file order
    scores = iter(np.random.default_rng(0).permutation(num_boxes) + 1.)
    perfect: Dict[str, Dict[str, np.ndarray]] = {}
    for r in records:
        rows = [b[:4] + [next(scores)] for b in r.boxes]
        perfect.setdefault(r.event, {})[r.name] = np.array(
            rows, dtype=np.float64).reshape(-1, 5)
    result = wider_eval.evaluate_wider(perfect, ground_truth)
    for setting in SETTINGS:
        assert result[setting] == pytest.approx(1.0, abs=1e-9), setting

    # dropping the small faces only hurts the settings that count them
    small = {e: {n: p[np.minimum(p[:, 2], p[:, 3]) >= TINY.medium_min_size]
                 for n, p in imgs.items()} for e, imgs in perfect.items()}
    result = wider_eval.evaluate_wider(small, ground_truth)
    assert result['easy'] == pytest.approx(1.0, abs=1e-9)
    assert result['medium'] == pytest.approx(1.0, abs=1e-9)
    if split == 'val':  # enough images to be sure small faces exist
        assert result['hard'] < 0.9


def _border_to_interior_gradient(n_images: int = 40) -> float:
    """Mean absolute gradient across the rectangular border of every pasted
    patch (faces and distractors) over the mean inside the patch's central
    half, on val images."""
    from projects.qmimic_demo.qmimic_demo.demo_faces import (
        load_backgrounds, load_lfw_crops, render_image)
    cfg = DemoFacesConfig()
    assets = split_assets(cfg)['val']
    crops = load_lfw_crops()
    faces, non_faces = (crops[list(assets.face_ids)],
                        crops[list(assets.non_face_ids)])
    backgrounds = load_backgrounds(assets.backgrounds)
    border, interior = [], []
    for i in range(n_images):
        image, boxes, distractors = render_image(
            np.random.default_rng([5, i]), faces, non_faces, backgrounds,
            cfg, False)
        img = image.astype(np.float64)
        gx, gy = np.abs(np.diff(img, axis=1)), np.abs(np.diff(img, axis=0))
        height, width = img.shape
        for x, y, w, h in [*boxes[:, :4], *distractors]:
            if x < 1 or y < 1 or x + w >= width or y + h >= height:
                continue
            # steps between the outside and the first row/column inside
            border.append(np.concatenate([
                gx[y:y + h, x - 1], gx[y:y + h, x + w - 1],
                gy[y - 1, x:x + w], gy[y + h - 1, x:x + w]
            ]).mean())
            ys, xs = slice(y + h // 4, y + 3 * h // 4), slice(
                x + w // 4, x + 3 * w // 4)
            interior.append(np.concatenate(
                [gx[ys, xs].ravel(), gy[ys, xs].ravel()]).mean())
    assert len(border) > 50
    return float(np.mean(border) / np.mean(interior))


def test_no_step_at_the_patch_border() -> None:
    """The soft mask leaves no step along the pasted box: the gradient
    across its border is no larger than inside the patch (measured 0.98).
    The same scenes pasted with a rectangular alpha (the old generator's
    hard edge) give about 5.5, so the check can fail."""
    from unittest import mock

    import projects.qmimic_demo.qmimic_demo.demo_faces as demo_faces
    assert _border_to_interior_gradient() < 1.3
    with mock.patch.object(demo_faces, '_elliptical_alpha',
                           lambda w, h, feather: np.ones((h, w), np.float32)):
        assert _border_to_interior_gradient() > 3.0


def test_distractor_metadata_round_trip(demo: Dict, tmp_path) -> None:
    from projects.qmimic_demo.qmimic_demo.demo_distractors import (
        DEMO_FACES_VERSION, data_version, distractors_file, load_distractors,
        save_distractors)
    gt_dir = osp.join(demo['root'], 'wider_face_split')
    for split in DEMO_SPLITS:
        assert data_version(gt_dir, split) == DEMO_FACES_VERSION
        boxes = load_distractors(distractors_file(gt_dir, split))
        # one entry per image, as many boxes as the generator counted
        assert len(boxes) == getattr(TINY, f'num_{split}')
        assert sum(len(b) for b in boxes.values()) == \
            demo['stats'][f'{split}_distractors'] > 0
        for name, b in boxes.items():
            img = cv2.imread(
                osp.join(demo['root'], f'WIDER_{split}', 'images', name), 0)
            assert (b[:, 0] >= 0).all() and (b[:, 1] >= 0).all()
            assert (b[:, 0] + b[:, 2] <= img.shape[1]).all()
            assert (b[:, 1] + b[:, 3] <= img.shape[0]).all()
    # save -> load keeps every box; an old data folder has version 0
    path = str(tmp_path / 'd.json')
    original = {'0--A/a.jpg': np.array([[1, 2, 3, 4], [5, 6, 7, 8]]),
                '0--A/b.jpg': np.zeros((0, 4), int)}
    save_distractors(path, original, 'val')
    loaded = load_distractors(path)
    assert loaded.keys() == original.keys()
    for k in original:
        np.testing.assert_array_equal(loaded[k], original[k])
    assert data_version(str(tmp_path), 'test') == 0


def test_bad_distractor_metadata_names_the_file(tmp_path) -> None:
    from projects.qmimic_demo.qmimic_demo.demo_distractors import (
        load_distractors)
    missing = str(tmp_path / 'none.json')
    with pytest.raises(FileNotFoundError, match='make_demo_faces.py'):
        load_distractors(missing)
    broken = tmp_path / 'broken.json'
    broken.write_text('{"images": {\n"a.jpg": [[1, 2, 3]\n')
    with pytest.raises(ValueError, match=r'broken\.json:3: not valid JSON'):
        load_distractors(str(broken))
    wrong = tmp_path / 'wrong.json'
    wrong.write_text('{"images": {"e/a.jpg": [[1, 2, 0, 4]]}}')
    with pytest.raises(ValueError, match=r'wrong\.json: image "e/a\.jpg"'):
        load_distractors(str(wrong))
