"""Distractor metadata of the demo face set.

The generator pastes non-face crops through the same blending as the faces.
Their boxes are not ground truth (a detection on one is a false positive
like any other), but knowing where they are lets the demo measure whether a
detector finds faces or merely finds pasted patches: a detector that keys on
blending artefacts fires on distractors as readily as on faces.

The file sits beside the official split files::

    wider_face_split/demo_distractors_<split>.json
    {"version": 2, "split": "val",
     "images": {"<event>/<image>.jpg": [[x, y, w, h], ...], ...}}
"""
import json
import os.path as osp
from typing import Dict, Mapping

import numpy as np

#: Version of the generator's compositing; written into the file so a demo
#: run can tell data made by an older generator (hard-edged pastes) and
#: regenerate it.
DEMO_FACES_VERSION = 2


def distractors_file(gt_dir: str, split: str) -> str:
    """Path of one split's distractor metadata in ``gt_dir``."""
    return osp.join(gt_dir, f'demo_distractors_{split}.json')


def save_distractors(path: str, boxes: Mapping[str, np.ndarray],
                     split: str) -> None:
    """Write distractor boxes per image.

    Args:
        path: Output ``.json`` file.
        boxes: ``'<event>/<image>.jpg'`` -> ``(M, 4)`` int ``x y w h``.
        split: Split name, recorded in the file.
    """
    payload = {
        'version': DEMO_FACES_VERSION,
        'split': split,
        'images': {
            name: np.asarray(b, dtype=np.int64).reshape(-1, 4).tolist()
            for name, b in sorted(boxes.items())
        },
    }
    with open(path, 'w', newline='\n') as f:
        json.dump(payload, f, indent=0, sort_keys=True)
        f.write('\n')


def load_distractors(path: str) -> Dict[str, np.ndarray]:
    """Read distractor boxes written by :func:`save_distractors`.

    Args:
        path: The ``demo_distractors_<split>.json`` file.

    Returns:
        ``'<event>/<image>.jpg'`` -> ``(M, 4)`` float64 ``x y w h``.

    Raises:
        FileNotFoundError: ``path`` does not exist (with how to make it).
        ValueError: The file is not valid metadata; the message names the
            file and the offending entry.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path}: no distractor metadata. It is written by '
            f'tools/dataset_converters/make_demo_faces.py (generator '
            f'version {DEMO_FACES_VERSION}); regenerate the demo set.')
    try:
        with open(path) as f:
            payload = json.load(f)
    except json.JSONDecodeError as err:
        raise ValueError(f'{path}:{err.lineno}: not valid JSON '
                         f'({err.msg})') from None
    if not isinstance(payload, dict) or not isinstance(
            payload.get('images'), dict):
        raise ValueError(f'{path}: expected an object with an "images" '
                         f'mapping of image -> [[x, y, w, h], ...]')
    out = {}
    for name, rows in payload['images'].items():
        arr = np.asarray(rows, dtype=np.float64)
        if arr.size == 0:
            arr = arr.reshape(0, 4)
        if arr.ndim != 2 or arr.shape[1] != 4 or (arr[:, 2:] <= 0).any():
            raise ValueError(f'{path}: image "{name}" must list boxes as '
                             f'[x, y, w, h] with w, h > 0, got {rows!r}')
        out[name] = arr
    return out


def data_version(gt_dir: str, split: str) -> int:
    """Generator version of the data in ``gt_dir`` (0 when the split has no
    metadata, i.e. an older generator made it)."""
    path = distractors_file(gt_dir, split)
    if not osp.isfile(path):
        return 0
    with open(path) as f:
        return int(json.load(f).get('version', 0))
