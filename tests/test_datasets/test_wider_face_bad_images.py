"""WiderFaceOfficialDataset's bad_image switch and its data-list summary."""
import os.path as osp
import shutil

import pytest

from qmimic_mm.datasets.image_check import BadImageError
from qmimic_mm.utils.errors import InvalidInputError
from test_wider_face import make_dataset, wider_root  # noqa: F401


@pytest.fixture
def broken_root(wider_root, tmp_path):  # noqa: F811
    root = str(tmp_path / 'wider')
    shutil.copytree(wider_root, root)
    bad = osp.join(root, 'WIDER_train', 'images', '1--Handshaking',
                   '1_Handshaking_b_1_3.jpg')
    with open(bad, 'rb') as f:
        data = f.read()
    with open(bad, 'wb') as f:
        f.write(data[:len(data) // 2])
    return root, bad


def test_stop_names_the_image_and_its_list(broken_root):
    root, bad = broken_root
    with pytest.raises(BadImageError) as err:
        make_dataset(root)
    assert err.value.path == bad
    assert err.value.ann_file == osp.join(
        root, 'wider_face_split', 'wider_face_train_bbx_gt.txt')


def test_skip_drops_and_counts(broken_root):
    root, bad = broken_root
    ds = make_dataset(root, bad_image='skip')
    assert len(ds) == 3 and ds.skipped_images == 1
    assert bad not in [ds.get_data_info(i)['img_path'] for i in range(3)]


def test_skip_is_refused_for_evaluation_sets(wider_root):  # noqa: F811
    with pytest.raises(InvalidInputError, match='must see every image'):
        make_dataset(wider_root, bad_image='skip', test_mode=True)
    with pytest.raises(InvalidInputError, match="one of \\('stop', 'skip'\\)"):
        make_dataset(wider_root, bad_image='ignore')


def test_summary_counts_what_the_protocol_ignores(wider_root):  # noqa: F811
    ds = make_dataset(wider_root)
    line = ds._summary([ds.get_data_info(i) for i in range(len(ds))])
    # 7 boxes: 2 degenerate (w = 0, h < 0) and 2 invalid faces ignored;
    # the zero-face image is listed
    assert line == ('4 images, 7 boxes: 4 ignored (2 of zero or negative '
                    'size), 0 reaching outside the image (clipped by '
                    'Resize), 1 images without faces')
