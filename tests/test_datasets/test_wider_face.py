"""WiderFaceOfficialDataset on a hand-written sample in the official layout."""
import os
import os.path as osp
import re

import cv2
import numpy as np
import pytest
import torch

from qmimic_mm.datasets import WiderFaceOfficialDataset, parse_wider_bbx_gt

# event/name -> (width, height, channels)
IMAGES = {
    '0--Parade/0_Parade_a_0_1': (64, 48, 1),
    '0--Parade/0_Parade_a_0_2': (40, 40, 1),  # zero faces
    '1--Handshaking/1_Handshaking_b_1_3': (24, 20, 3),  # small, colour JPEG
    '1--Handshaking/1_Handshaking_b_1_4': (50, 36, 1),  # only invalid face
}

ANNOTATION = """0--Parade/0_Parade_a_0_1.jpg
5
10 8 20 22 2 0 1 0 1 0 
40 5 12 14 0 1 0 1 2 1 
30 30 0 6 0 0 0 0 0 0 
5 30 4 -2 1 0 0 0 0 0 
50 40 3 3 0 0 0 0 0 0 
0--Parade/0_Parade_a_0_2.jpg
0
0 0 0 0 0 0 0 0 0 0 
1--Handshaking/1_Handshaking_b_1_3.jpg
1
2 3 10 12 0 0 0 0 0 1 
1--Handshaking/1_Handshaking_b_1_4.jpg
1
7 7 9 9 0 0 0 1 2 0 
"""


@pytest.fixture(scope='module')
def wider_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A WIDER_train tree with real JPEGs and its bbx_gt txt."""
    root = str(tmp_path_factory.mktemp('wider'))
    rng = np.random.default_rng(0)
    for key, (w, h, c) in IMAGES.items():
        path = osp.join(root, 'WIDER_train', 'images', f'{key}.jpg')
        os.makedirs(osp.dirname(path), exist_ok=True)
        shape = (h, w) if c == 1 else (h, w, c)
        cv2.imwrite(path, rng.integers(0, 256, shape, dtype=np.uint8))
    os.makedirs(osp.join(root, 'wider_face_split'))
    with open(osp.join(root, 'wider_face_split',
                       'wider_face_train_bbx_gt.txt'), 'w') as f:
        f.write(ANNOTATION)
    return root


def make_dataset(root: str, **kwargs) -> WiderFaceOfficialDataset:
    return WiderFaceOfficialDataset(
        data_root=root,
        ann_file='wider_face_split/wider_face_train_bbx_gt.txt',
        data_prefix=dict(img='WIDER_train/images/'),
        **kwargs)


def test_parse_layout_and_attributes(wider_root: str) -> None:
    ds = make_dataset(wider_root)
    assert ds.metainfo['classes'] == ('face', )
    assert len(ds) == 4
    info = ds.get_data_info(0)
    assert info['img_id'] == '0--Parade/0_Parade_a_0_1'
    assert info['event'] == '0--Parade'
    assert info['img_name'] == '0_Parade_a_0_1'
    assert info['img_path'] == osp.join(wider_root, 'WIDER_train', 'images',
                                        '0--Parade', '0_Parade_a_0_1.jpg')
    assert (info['width'], info['height']) == (64, 48)
    inst = info['instances']
    assert len(inst) == 5
    assert inst[0]['bbox'] == [10, 8, 30, 30]  # x2 = x1 + w
    assert inst[0]['bbox_label'] == 0
    assert {k: inst[1][k] for k in ('blur', 'expression', 'illumination',
                                    'invalid', 'occlusion', 'pose')} == dict(
                                        blur=0, expression=1, illumination=0,
                                        invalid=1, occlusion=2, pose=1)
    # valid, invalid, w == 0, h < 0 (kept raw), tiny but valid by default
    assert [i['ignore_flag'] for i in inst] == [0, 1, 1, 1, 0]
    assert inst[3]['bbox'] == [5, 30, 9, 28]
    assert ds.get_data_info(1)['instances'] == []
    assert ds.get_data_info(3)['instances'][0]['ignore_flag'] == 1


def test_min_box_size_and_no_img_size(wider_root: str) -> None:
    ds = make_dataset(wider_root, min_box_size=4, load_img_size=False)
    flags = [i['ignore_flag'] for i in ds.get_data_info(0)['instances']]
    assert flags == [0, 1, 1, 1, 1]
    assert ds.get_data_info(0)['width'] is None
    with pytest.raises(ValueError, match='min_size'):
        make_dataset(wider_root, load_img_size=False,
                     filter_cfg=dict(min_size=32))


def test_filter_cfg(wider_root: str) -> None:
    names = lambda ds: [ds.get_data_info(i)['img_name']  # noqa: E731
                        for i in range(len(ds))]
    ds = make_dataset(wider_root, filter_cfg=dict(filter_empty_gt=True))
    # only the zero-face image goes; an all-ignored image stays (mmdet rule)
    assert names(ds) == ['0_Parade_a_0_1', '1_Handshaking_b_1_3',
                         '1_Handshaking_b_1_4']
    ds = make_dataset(wider_root, filter_cfg=dict(min_size=32))
    assert names(ds) == ['0_Parade_a_0_1', '0_Parade_a_0_2',
                         '1_Handshaking_b_1_4']
    ds = make_dataset(
        wider_root, test_mode=True,
        filter_cfg=dict(filter_empty_gt=True, min_size=32))
    assert len(ds) == 4


def test_gray_pipeline_and_preprocessor(wider_root: str) -> None:
    from mmdet.models.data_preprocessors import DetDataPreprocessor
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope
    init_default_scope('mmdet')
    pipeline = [
        dict(type='LoadImageFromFile', color_type='grayscale'),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(type='Resize', scale=(128, 96), keep_ratio=True),
        dict(type='RandomFlip', prob=1.0),
        dict(type='PackDetInputs',
             meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                        'scale_factor', 'flip', 'flip_direction', 'event',
                        'img_name')),
    ]
    ds = make_dataset(wider_root, pipeline=pipeline)
    out = ds[0]
    inputs, sample = out['inputs'], out['data_samples']
    assert inputs.shape == (1, 96, 128) and inputs.dtype == torch.uint8
    assert sample.event == '0--Parade' and sample.img_name == '0_Parade_a_0_1'
    assert len(sample.gt_instances) == 2  # the not-ignored faces
    assert len(sample.ignored_instances) == 3
    # scale 2, then horizontal flip: x1' = 128 - x2
    torch.testing.assert_close(sample.gt_instances.bboxes.tensor[0],
                               torch.tensor([68., 16., 108., 60.]))
    # a 3-channel JPEG is loaded as gray too
    assert ds[2]['inputs'].shape[0] == 1

    # one-channel mean/std; bgr_to_rgb must stay False for 1-channel input
    pre = DetDataPreprocessor(mean=[128.], std=[64.], bgr_to_rgb=False,
                              pad_size_divisor=32)
    batch = pre(pseudo_collate([ds[0], ds[2]]), training=True)
    assert batch['inputs'].shape == (2, 1, 96, 128)
    assert batch['inputs'].dtype == torch.float32


MALFORMED = [
    ('0--Parade/a.jpg\nabc\n', 2, 'integer face count'),
    ('0--Parade/a.jpg\n-1\n', 2, 'non-negative'),
    ('0--Parade/a.jpg\n1\n1 2 3 4\n', 3, '10 integer fields'),
    ('0--Parade/a.jpg\n1\n1 2 x 4 0 0 0 0 0 0\n', 3, 'integer fields'),
    ('0--Parade/a.jpg\n2\n1 2 3 4 0 0 0 0 0 0\n', 4, 'file ended'),
    ('0--Parade/a.jpg\n', 2, 'file ended'),
    ('0--Parade/a.jpg\n1\n1 2 3 4 0 0 0 0 0 0\n5 6 7 8 0 0 0 0 0 0\n', 4,
     'image path'),
    ('0--Parade/a.jpg\n0\n0--Parade/b.jpg\n1\n1 2 3 4 0 0 0 0 0 0\n', 3,
     'placeholder'),
    ('0--Parade/a.jpg\n0\n1 2 3 4 0 0 0 0 0 0\n', 3, 'all-zero'),
    ('a.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n', 1, 'image path'),
]


@pytest.mark.parametrize('text,line,expected', MALFORMED)
def test_malformed_names_file_and_line(text: str, line: int,
                                       expected: str) -> None:
    with pytest.raises(ValueError, match=f'ann.txt:{line}: .*{expected}'):
        parse_wider_bbx_gt(text, filename='ann.txt')


def test_malformed_through_dataset(tmp_path) -> None:
    ann = tmp_path / 'bad_bbx_gt.txt'
    ann.write_text('0--Parade/a.jpg\n3\n1 2 3 4 0 0 0 0 0 0\n')
    with pytest.raises(ValueError,
                       match=re.escape(f'{ann}:4: expected 3 box row')):
        WiderFaceOfficialDataset(ann_file=str(ann), data_root=str(tmp_path),
                                 load_img_size=False)


def test_parser_tolerates_trailing_blank_lines_and_no_trailing_space() -> None:
    recs = parse_wider_bbx_gt('e--E/x.jpg\n1\n1 2 3 4 0 0 0 0 0 0\n\n\n')
    assert len(recs) == 1 and recs[0].boxes == [[1, 2, 3, 4, 0, 0, 0, 0, 0, 0]]
    assert (recs[0].event, recs[0].name, recs[0].line) == ('e--E', 'x', 1)
