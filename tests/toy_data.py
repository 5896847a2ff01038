"""Tiny datasets written in the real layouts (real JPEG and XML files)."""
import os
import os.path as osp
from typing import List, Tuple

import cv2
import numpy as np

VOC_CLASSES = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car',
               'cat', 'chair', 'cow', 'diningtable', 'dog', 'horse',
               'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train',
               'tvmonitor')

Box = Tuple[str, int, int, int, int]


def _voc_xml(name: str, width: int, height: int, boxes: List[Box]) -> str:
    objects = ''.join(
        f'<object><name>{label}</name><pose>Unspecified</pose>'
        f'<truncated>0</truncated><difficult>0</difficult><bndbox>'
        f'<xmin>{x1}</xmin><ymin>{y1}</ymin><xmax>{x2}</xmax>'
        f'<ymax>{y2}</ymax></bndbox></object>'
        for label, x1, y1, x2, y2 in boxes)
    return (f'<annotation><folder>VOC</folder><filename>{name}.jpg</filename>'
            f'<size><width>{width}</width><height>{height}</height>'
            f'<depth>3</depth></size><segmented>0</segmented>{objects}'
            '</annotation>')


def _write_split(root: str, year: str, split: str, names: List[str],
                 rng: np.random.Generator, size=(128, 96)) -> None:
    base = osp.join(root, f'VOC{year}')
    for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
        os.makedirs(osp.join(base, sub), exist_ok=True)
    width, height = size
    for name in names:
        image = rng.integers(0, 60, (height, width, 3), dtype=np.uint8)
        boxes: List[Box] = []
        for _ in range(int(rng.integers(1, 3))):
            w, h = (int(v) for v in rng.integers(24, 48, 2))
            x1 = int(rng.integers(1, width - w - 1))
            y1 = int(rng.integers(1, height - h - 1))
            label_idx = int(rng.integers(0, 3))
            color = [(220, 40, 40), (40, 220, 40), (40, 40, 220)][label_idx]
            image[y1:y1 + h, x1:x1 + w] = color
            boxes.append((VOC_CLASSES[label_idx * 6], x1, y1, x1 + w, y1 + h))
        cv2.imwrite(osp.join(base, 'JPEGImages', f'{name}.jpg'), image)
        with open(osp.join(base, 'Annotations', f'{name}.xml'), 'w') as f:
            f.write(_voc_xml(name, width, height, boxes))
    with open(osp.join(base, 'ImageSets/Main', f'{split}.txt'), 'w') as f:
        f.write('\n'.join(names) + '\n')


def make_voc_devkit(out_dir: str, seed: int = 0) -> str:
    """Write ``out_dir/VOCdevkit`` with a few images per split; return it."""
    root = osp.join(out_dir, 'VOCdevkit')
    rng = np.random.default_rng(seed)
    _write_split(root, '2007', 'trainval', [f'0000{i}' for i in range(4)], rng)
    _write_split(root, '2007', 'test', [f'0001{i}' for i in range(2)], rng)
    _write_split(root, '2012', 'trainval', [f'2012_0{i}' for i in range(2)],
                 rng)
    return root + '/'
