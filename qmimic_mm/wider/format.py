"""The WIDER FACE file formats, read and written in one place.

* ``wider_face_<split>_bbx_gt.txt`` (the release's annotations):
  :func:`parse_wider_bbx_gt` / :func:`format_wider_bbx_gt`;
* the official eval_tools' ground-truth ``.mat`` files
  (``wider_face_<split>.mat`` and the keep lists
  ``wider_{easy,medium,hard}_<split>.mat``): :func:`load_wider_ground_truth`
  / :func:`build_wider_mat` / :func:`save_wider_mat`, with the keep-list
  policy :func:`keep_indices`;
* the submission layout ``<event>/<image>.txt``:
  :func:`read_wider_predictions` / :func:`write_wider_predictions`;
* the attribute names :data:`WIDER_ATTRIBUTES`.

numpy and scipy only: the dataset, the metric, the evaluation CLI and the
demo generator all use it, and the CLI must not pay for torch.
"""
import io
import os
import os.path as osp
from dataclasses import dataclass, field
from functools import cached_property
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import scipy.io

from qmimic_mm.utils.errors import FileInputError, InvalidInputError


class WiderAnnotationError(FileInputError, ValueError):
    """A malformed WIDER FACE annotation file (a ``ValueError``).

    Args:
        path (str): The file.
        detail (str): ``file:line: what was expected there``.
        key (str, optional): The config key naming the file, when known
            (tools fill it in: :func:`qmimic_mm.utils.cli.name_ann_file_key`).
    """

    def message(self) -> str:
        """The one-line report: key, file:line, expectation, fix."""
        return (f'{super().message()}. Fix that line, or point '
                f'{self.key or "ann_file"} at a file in the official '
                'WIDER FACE format')


# Fixed .mat header text: scipy stamps the creation time into the 116-byte
# header, which would make the files differ from run to run.
_MAT_HEADER = (b'MATLAB 5.0 MAT-file, Platform: GLNXA64, '
               b'Created by: qmimic_mm demo_faces')
_MAT_HEADER_LEN = 116

#: Per-box attribute columns of the official txt, after ``x1 y1 w h``.
WIDER_ATTRIBUTES: Tuple[str, ...] = ('blur', 'expression', 'illumination',
                                     'invalid', 'occlusion', 'pose')
#: Integer fields on every box row (and on the zero-face placeholder row).
WIDER_NUM_FIELDS: int = 4 + len(WIDER_ATTRIBUTES)


@dataclass
class WiderImageAnnotation:
    """The raw annotation of one image in an official WIDER FACE bbx_gt txt.

    Attributes:
        rel_path: Image path relative to ``WIDER_<split>/images``, e.g.
            ``'0--Parade/0_Parade_marchingband_1_849.jpg'``.
        boxes: One ``[x, y, w, h, blur, expression, illumination, invalid,
            occlusion, pose]`` integer row per face; empty for zero-face
            images (their all-zero placeholder row is not a face).
        line: 1-based line number of the image path in the txt file.
    """

    rel_path: str
    boxes: List[List[int]] = field(default_factory=list)
    line: int = 0

    @property
    def event(self) -> str:
        """Event folder name, e.g. ``'0--Parade'``."""
        return self.rel_path.rsplit('/', 1)[0]

    @property
    def name(self) -> str:
        """Image name without folder and extension (the key the official
        evaluation uses)."""
        return osp.splitext(self.rel_path.rsplit('/', 1)[1])[0]


def _int_fields(text: str, filename: str, where: str, what: str) -> List[int]:
    """Split a box row into exactly :data:`WIDER_NUM_FIELDS` integers."""
    parts = text.split()
    if len(parts) != WIDER_NUM_FIELDS:
        raise WiderAnnotationError(
            filename, f'{where}: expected {what} with {WIDER_NUM_FIELDS} '
            f'integer fields (x1 y1 w h {" ".join(WIDER_ATTRIBUTES)}), got '
            f'{len(parts)} fields: {text!r}')
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise WiderAnnotationError(
            filename, f'{where}: expected {what} with integer fields, got '
            f'{text!r}') from None


def parse_wider_bbx_gt(text: str,
                       filename: str = '<string>'
                       ) -> List[WiderImageAnnotation]:
    """Parse the official WIDER FACE ``wider_face_<split>_bbx_gt.txt`` format.

    The format repeats, per image: the image path relative to
    ``WIDER_<split>/images`` (``<event>/<name>.jpg``), a line with the face
    count N, then N lines ``x1 y1 w h blur expression illumination invalid
    occlusion pose``. An image with no face has count 0 followed by one
    placeholder line of ten zeros. :func:`format_wider_bbx_gt` is the
    inverse.

    Args:
        text: Whole content of the txt file.
        filename: Name used in error messages.

    Returns:
        One :class:`WiderImageAnnotation` per image, in file order.

    Raises:
        WiderAnnotationError: (a ``ValueError``) On any malformed or
            truncated entry; the message names ``filename:line`` and what
            was expected there.
    """
    lines = text.splitlines()
    # Trailing blank lines are harmless; blank lines anywhere else are not.
    while lines and not lines[-1].strip():
        lines.pop()
    records: List[WiderImageAnnotation] = []
    i = 0  # 0-based index of the next unread line
    n = len(lines)

    def fail(idx: int, message: str) -> WiderAnnotationError:
        return WiderAnnotationError(filename,
                                    f'{filename}:{idx + 1}: {message}')

    while i < n:
        rel_path = lines[i].strip()
        if ('/' not in rel_path or len(rel_path.split()) != 1
                or rel_path.endswith('/')):
            raise fail(
                i, 'expected an image path "<event>/<image>.jpg", '
                f'got {lines[i]!r}')
        record = WiderImageAnnotation(rel_path=rel_path, line=i + 1)
        i += 1
        if i >= n:
            raise fail(
                i, f'expected the face count of {rel_path!r}, but '
                'the file ended')
        try:
            count = int(lines[i].strip())
        except ValueError:
            raise fail(
                i, f'expected the integer face count of '
                f'{rel_path!r}, got {lines[i]!r}') from None
        if count < 0:
            raise fail(
                i, f'expected a non-negative face count for '
                f'{rel_path!r}, got {count}')
        i += 1
        # Zero-face images still carry one placeholder row.
        num_rows = max(count, 1)
        if i + num_rows > n:
            raise fail(
                n, f'expected {num_rows} box row(s) for {rel_path!r} '
                f'(count at line {i}), but the file ended after '
                f'{n - i} of them')
        for k in range(num_rows):
            where = f'{filename}:{i + k + 1}'
            if count == 0:
                row = _int_fields(lines[i + k], filename, where,
                                  'the zero-face placeholder row')
                if any(row):
                    raise fail(
                        i + k, 'expected the all-zero placeholder row '
                        f'after face count 0 of {rel_path!r}, got '
                        f'{lines[i + k]!r}')
            else:
                record.boxes.append(
                    _int_fields(lines[i + k], filename, where,
                                f'box row {k + 1}/{count} of {rel_path!r}'))
        i += num_rows
        records.append(record)
    return records


def format_wider_bbx_gt(records: Iterable[WiderImageAnnotation]) -> str:
    """Format annotations as an official ``wider_face_*_bbx_gt.txt``.

    The inverse of :func:`parse_wider_bbx_gt`. Box rows end with a space,
    as in the official files; a zero-face image gets count 0 and one
    placeholder row of ten zeros.

    Args:
        records: Images in file order; ``boxes`` may be lists or an
            ``(N, 10)`` integer array.

    Returns:
        The file content.
    """
    lines = []
    for record in records:
        lines.append(record.rel_path)
        lines.append(str(len(record.boxes)))
        rows = (record.boxes if len(record.boxes) else [[0] *
                                                        WIDER_NUM_FIELDS])
        for row in rows:
            lines.append(' '.join(str(int(v)) for v in row) + ' ')
    return ''.join(line + '\n' for line in lines)


#: Evaluation settings, in the order the official tools report them.
WIDER_SETTINGS: Tuple[str, ...] = ('easy', 'medium', 'hard')


def wider_gt_files(split: str = 'val') -> Tuple[str, Dict[str, str]]:
    """Names of a split's ground-truth files.

    The official eval_tools ship ``wider_face_val.mat`` (the boxes) and
    ``wider_{easy,medium,hard}_val.mat`` (the keep lists); other splits
    (the demo's synthetic test split) are named by analogy.

    Args:
        split: Split name, e.g. ``'val'`` or ``'test'``.

    Returns:
        ``(boxes_file, {setting: keep_list_file})``.
    """
    if not split or not split.isidentifier():
        raise InvalidInputError(
            f'WIDER FACE split must be a plain name such as '
            f"'val' or 'test', got {split!r}")
    return (f'wider_face_{split}.mat', {
        s: f'wider_{s}_{split}.mat'
        for s in WIDER_SETTINGS
    })


#: Ground-truth file holding the boxes, and one keep-list file per setting
#: (the official val split).
WIDER_GT_FILE, WIDER_SETTING_FILES = wider_gt_files('val')

# ``x y w h score`` per predicted box.
_PRED_COLUMNS = 5


@dataclass(frozen=True)
class WiderImageGroundTruth:
    """Ground truth of one image, as the official ``.mat`` files give it.

    Treat as read-only: :class:`WiderGroundTruth` caches a flattened copy.

    Attributes:
        boxes: ``(N, 4)`` int64 ``[x, y, w, h]`` rows, in file order (zero-face
            images carry one all-zero row, which is kept: the protocol does).
        keep: Per setting, the 0-based int64 indices of the faces that count in
            that setting (the official ``gt_list`` minus one).
    """

    boxes: np.ndarray
    keep: Dict[str, np.ndarray]


@dataclass(frozen=True)
class _FlatGroundTruth:
    """All ground-truth boxes of a :class:`WiderGroundTruth`, concatenated."""

    x1: np.ndarray
    y1: np.ndarray
    x2: np.ndarray
    y2: np.ndarray
    area: np.ndarray
    # (event, image, start, stop) in ground-truth order.
    spans: List[Tuple[str, str, int, int]]
    # Per setting: which concatenated boxes count, and how many do.
    counted: Dict[str, np.ndarray]
    num_faces: Dict[str, int]


@dataclass(frozen=True)
class WiderGroundTruth:
    """The WIDER FACE ground truth of one split for the three settings.

    Attributes:
        images: ``images[event][image_name]`` ->
            :class:`WiderImageGroundTruth`,
            events and images in the order of ``wider_face_<split>.mat``.
    """

    images: Dict[str,
                 Dict[str,
                      WiderImageGroundTruth]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Tuple[str, str, WiderImageGroundTruth]]:
        """Yield ``(event, image_name, image_gt)`` in ground-truth order."""
        for event, images in self.images.items():
            for name, image_gt in images.items():
                yield event, name, image_gt

    def __len__(self) -> int:
        """Number of images."""
        return sum(len(images) for images in self.images.values())

    def num_faces(self, setting: str) -> int:
        """Number of faces that count in ``setting`` (``count_face``)."""
        return self._flat.num_faces[setting]

    @cached_property
    def _flat(self) -> _FlatGroundTruth:
        """Concatenated float boxes (x2 = x + w) and per-setting keep masks."""
        spans = []
        start = 0
        for event, name, image_gt in self:
            stop = start + image_gt.boxes.shape[0]
            spans.append((event, name, start, stop))
            start = stop
        boxes = np.concatenate([g.boxes for _, _, g in self]
                               or [np.zeros((0, 4), np.int64)])
        boxes = boxes.astype(np.float64).reshape(-1, 4)
        x1, y1 = boxes[:, 0], boxes[:, 1]
        x2, y2 = x1 + boxes[:, 2], y1 + boxes[:, 3]
        counted = {}
        num_faces = {}
        for setting in WIDER_SETTINGS:
            mask = np.zeros(start, dtype=bool)
            total = 0
            for (_, _, lo, _), (_, _, g) in zip(spans, self):
                mask[lo + g.keep[setting]] = True
                total += g.keep[setting].size
            counted[setting] = mask
            num_faces[setting] = total
        area = (x2 - x1 + 1) * (y2 - y1 + 1)
        return _FlatGroundTruth(x1, y1, x2, y2, area, spans, counted,
                                num_faces)


def _loadmat(path: str, keys: Tuple[str, ...], split: str = 'val') -> dict:
    """Load a ``.mat`` file and check it has ``keys``; errors name the file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'WIDER FACE ground truth file not found: '
                                f'{path} (needed for split={split!r})')
    try:
        data = scipy.io.loadmat(path)
    except Exception as exc:  # scipy raises several types for bad files
        raise InvalidInputError(
            f'{path}: cannot read as a .mat file ({exc})') from exc
    missing = [k for k in keys if k not in data]
    if missing:
        raise InvalidInputError(
            f'{path}: missing key(s) {missing}; is this an '
            f'official WIDER FACE eval_tools ground-truth file?')
    return data


def _mat_str(cell: np.ndarray) -> str:
    """Unwrap a MATLAB char array stored in a cell (``array(['name'])``)."""
    return str(np.asarray(cell).ravel()[0])


def load_wider_ground_truth(gt_dir: str,
                            split: str = 'val') -> WiderGroundTruth:
    """Load the official WIDER FACE ground truth of one split.

    Reads ``wider_face_<split>.mat`` (``event_list``, ``file_list``,
    ``face_bbx_list``) and ``wider_{easy,medium,hard}_<split>.mat``
    (``gt_list``: 1-based indices of the faces counted in each setting), as
    the official ``wider_eval.m`` does for val.

    Args:
        gt_dir: Folder holding the four ``.mat`` files.
        split: Which split's files to read (:func:`wider_gt_files`);
            ``'val'`` is the official release.

    Returns:
        The ground truth; keep indices converted to 0-based int64.

    Raises:
        FileNotFoundError: A ``.mat`` file is missing (the path is named).
        ValueError: A file is unreadable, lacks a key, or is inconsistent
            with ``wider_face_val.mat`` (the file is named).
    """
    gt_file, setting_files = wider_gt_files(split)
    main_path = osp.join(gt_dir, gt_file)
    main = _loadmat(main_path, ('event_list', 'file_list', 'face_bbx_list'),
                    split)
    keep_lists = {
        s: _loadmat(osp.join(gt_dir, f), ('gt_list', ), split)['gt_list']
        for s, f in setting_files.items()
    }
    event_list = main['event_list'].ravel()
    file_list = main['file_list'].ravel()
    box_list = main['face_bbx_list'].ravel()
    if not len(event_list) == len(file_list) == len(box_list):
        raise InvalidInputError(f'{main_path}: event_list, file_list and '
                                f'face_bbx_list differ in length')
    images: Dict[str, Dict[str, WiderImageGroundTruth]] = {}
    for i, event_cell in enumerate(event_list):
        event = _mat_str(event_cell)
        names = np.asarray(file_list[i]).ravel()
        boxes = np.asarray(box_list[i]).ravel()
        if len(names) != len(boxes):
            raise InvalidInputError(
                f'{main_path}: event {event} has {len(names)} '
                f'file names but {len(boxes)} box arrays')
        per_setting = {}
        for setting, gt_list in keep_lists.items():
            path = osp.join(gt_dir, setting_files[setting])
            if gt_list.size != len(event_list):
                raise InvalidInputError(
                    f'{path}: gt_list has {gt_list.size} events, '
                    f'{main_path} has {len(event_list)}')
            event_keep = np.asarray(gt_list.ravel()[i]).ravel()
            if len(event_keep) != len(names):
                raise InvalidInputError(f'{path}: event {event} has '
                                        f'{len(event_keep)} keep lists for '
                                        f'{len(names)} images')
            per_setting[setting] = (path, event_keep)
        event_images = {}
        for j, name_cell in enumerate(names):
            name = _mat_str(name_cell)
            gt_boxes = np.asarray(boxes[j], dtype=np.int64).reshape(-1, 4)
            keep = {}
            for setting, (path, event_keep) in per_setting.items():
                # uint8 / uint16 1-based indices: widen before subtracting.
                idx = np.asarray(event_keep[j]).astype(np.int64).ravel() - 1
                if idx.size and (idx.min() < 0
                                 or idx.max() >= gt_boxes.shape[0]):
                    raise InvalidInputError(
                        f'{path}: keep index out of range for '
                        f'{event}/{name} '
                        f'({gt_boxes.shape[0]} boxes)')
                keep[setting] = idx
            event_images[name] = WiderImageGroundTruth(gt_boxes, keep)
        images[event] = event_images
    return WiderGroundTruth(images)


def _parse_box_line(line: str, where: str) -> List[float]:
    """Parse one ``x y w h score`` line; errors name ``file:line``."""
    fields = line.split()
    if len(fields) != _PRED_COLUMNS:
        raise InvalidInputError(
            f'{where}: expected 5 numbers "x y w h score", got '
            f'{len(fields)} field(s): {line.strip()!r}')
    try:
        values = [float(v) for v in fields]
    except ValueError:
        raise InvalidInputError(
            f'{where}: not a number in {line.strip()!r}') from None
    if not all(np.isfinite(values)):
        raise InvalidInputError(
            f'{where}: non-finite value in {line.strip()!r}')
    return values


def read_wider_prediction_file(path: str) -> np.ndarray:
    """Read one official WIDER FACE prediction file.

    Layout (official submission format): line 1 the image name, line 2 the
    number of boxes, then one ``x y w h score`` line per box. An empty file
    means no boxes (the official reader treats it as no prediction too).

    Args:
        path: The ``.txt`` file.

    Returns:
        ``(K, 5)`` float64 array ``x, y, w, h, score`` in file order.

    Raises:
        ValueError: Malformed content; the message names ``file:line``.
    """
    with open(path, 'r') as f:
        lines = f.read().splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return np.zeros((0, _PRED_COLUMNS), dtype=np.float64)
    if len(lines) < 2:
        raise InvalidInputError(f'{path}:2: missing the box count line')
    try:
        count = int(lines[1].strip())
    except ValueError:
        raise InvalidInputError(f'{path}:2: box count is not an integer: '
                                f'{lines[1].strip()!r}') from None
    if count < 0:
        raise InvalidInputError(f'{path}:2: negative box count {count}')
    box_lines = lines[2:]
    if len(box_lines) != count:
        raise InvalidInputError(
            f'{path}:2: box count says {count} but the file has '
            f'{len(box_lines)} box line(s)')
    if count == 0:
        return np.zeros((0, _PRED_COLUMNS), dtype=np.float64)
    rows = [line.split() for line in box_lines]
    try:
        if any(len(r) != _PRED_COLUMNS for r in rows):
            raise ValueError
        boxes = np.array(rows, dtype=np.float64)
        if not np.isfinite(boxes).all():
            raise ValueError
    except ValueError:
        # Slow path only to name the offending line.
        for k, line in enumerate(box_lines):
            _parse_box_line(line, f'{path}:{k + 3}')
        raise
    return boxes


def read_wider_predictions(pred_dir: str) -> Dict[str, Dict[str, np.ndarray]]:
    """Read predictions in the official ``<event>/<image>.txt`` layout.

    Images without a file simply do not appear (the protocol counts them as
    images with no predictions). The image name is the file name without
    ``.txt``, as the official reader addresses files.

    Args:
        pred_dir: Root folder with one sub-folder per event.

    Returns:
        ``preds[event][image_name]`` -> ``(K, 5)`` float64
        ``x, y, w, h, score``.

    Raises:
        FileNotFoundError: ``pred_dir`` does not exist.
        ValueError: A malformed file; the message names ``file:line``.
    """
    if not osp.isdir(pred_dir):
        raise FileNotFoundError(f'prediction folder not found: {pred_dir}')
    preds: Dict[str, Dict[str, np.ndarray]] = {}
    for event in sorted(os.listdir(pred_dir)):
        event_dir = osp.join(pred_dir, event)
        if not osp.isdir(event_dir):
            continue
        event_preds = {}
        for fname in sorted(os.listdir(event_dir)):
            if fname.endswith('.txt'):
                event_preds[fname[:-4]] = read_wider_prediction_file(
                    osp.join(event_dir, fname))
        preds[event] = event_preds
    return preds


def write_wider_predictions(pred_dir: str, event: str, image_name: str,
                            boxes_xywh_score: np.ndarray) -> str:
    """Write one image's boxes in the official submission layout.

    Writes ``pred_dir/<event>/<image_name>.txt``: the image name, the box
    count, then ``x y w h score`` per line (shortest round-trip float text,
    so reading it back gives the same float64 values).

    Args:
        pred_dir: Root folder of the submission.
        event: Event folder name, e.g. ``'0--Parade'``.
        image_name: Image name without extension.
        boxes_xywh_score: ``(K, 5)`` array ``x, y, w, h, score``.

    Returns:
        The path written.
    """
    boxes = np.asarray(boxes_xywh_score,
                       dtype=np.float64).reshape(-1, _PRED_COLUMNS)
    event_dir = osp.join(pred_dir, event)
    os.makedirs(event_dir, exist_ok=True)
    path = osp.join(event_dir, f'{image_name}.txt')
    lines = [image_name, str(len(boxes))]
    lines += [' '.join(repr(v) for v in row) for row in boxes.tolist()]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path


def keep_indices(boxes: np.ndarray, min_size: int) -> np.ndarray:
    """1-based indices of valid faces with ``min(w, h) >= min_size``.

    Valid means ``invalid == 0`` and a non-degenerate box, so no invalid
    face is ever kept and larger ``min_size`` gives a subset.

    Args:
        boxes: ``(N, 10)`` official rows (array or lists).
        min_size: Smallest kept face side, pixels.

    Returns:
        Sorted 1-based indices, int64.
    """
    boxes = np.asarray(boxes).reshape(-1, WIDER_NUM_FIELDS)
    w, h = boxes[:, 2], boxes[:, 3]
    invalid = boxes[:, 4 + WIDER_ATTRIBUTES.index('invalid')]
    ok = (invalid == 0) & (w > 0) & (h > 0) & (np.minimum(w, h) >= min_size)
    return np.flatnonzero(ok) + 1


def _cell(items: Sequence) -> np.ndarray:
    """An ``(n, 1)`` object array, which scipy writes as a MATLAB cell.

    Built element by element so numpy never merges equal-shaped arrays into
    one block.
    """
    cell = np.empty((len(items), 1), dtype=object)
    for i, item in enumerate(items):
        cell[i, 0] = item
    return cell


def build_wider_mat(records: Sequence[WiderImageAnnotation],
                    min_size: Optional[int] = None) -> Dict[str, np.ndarray]:
    """Build the variables of an official WIDER FACE ground-truth .mat.

    Mirrors ``wider_face_val.mat`` from the WIDER FACE eval tools: cells
    ``event_list`` (event names), ``file_list`` (names without ``.jpg``),
    ``face_bbx_list`` (int32 ``N x 4`` ``[x y w h]``) and the six
    ``*_label_list`` cells (uint8 ``N x 1``), all nested per event then per
    image; events sorted by name. Zero-face images carry one all-zero row.
    With ``min_size`` it also builds ``gt_list`` as in
    ``wider_{easy,medium,hard}_val.mat``: per image a column of 1-based kept
    indices, uint8 (uint16 when an index exceeds 255), ``0 x 0`` for
    zero-face images and ``0 x 1`` when nothing is kept.

    :func:`load_wider_ground_truth` reads the files back.

    Args:
        records: Annotated images of one split.
        min_size: Keep-list face size (see :func:`keep_indices`); None for
            no ``gt_list``.

    Returns:
        Variable name to value, ready for :func:`save_wider_mat`.
    """
    events = sorted({item.event for item in records})
    per_event: Dict[str, List[list]] = {
        key: []
        for key in ('file_list', 'face_bbx_list', 'gt_list') +
        tuple(f'{n}_label_list' for n in WIDER_ATTRIBUTES)
    }
    for event in events:
        members = [item for item in records if item.event == event]
        per_image: Dict[str, list] = {key: [] for key in per_event}
        for item in members:
            rows = (np.asarray(item.boxes).reshape(-1, WIDER_NUM_FIELDS) if
                    len(item.boxes) else np.zeros((1, WIDER_NUM_FIELDS), int))
            per_image['file_list'].append(item.name)
            per_image['face_bbx_list'].append(
                np.ascontiguousarray(rows[:, :4], dtype=np.int32))
            for k, label in enumerate(WIDER_ATTRIBUTES):
                per_image[f'{label}_label_list'].append(
                    np.ascontiguousarray(rows[:, 4 + k:5 + k], np.uint8))
            if min_size is not None:
                if len(item.boxes) == 0:
                    keep = np.zeros((0, 0), np.uint8)
                else:
                    idx = keep_indices(rows, min_size)
                    dtype = np.uint8 if idx.size == 0 or idx.max() <= 255 \
                        else np.uint16
                    keep = idx.astype(dtype).reshape(-1, 1)
                per_image['gt_list'].append(keep)
        for key, value in per_image.items():
            per_event[key].append(_cell(value))
    out = {'event_list': _cell(events)}
    for key, value in per_event.items():
        if key == 'gt_list' and min_size is None:
            continue
        out[key] = _cell(value)
    return dict(sorted(out.items()))


def save_wider_mat(path: str, variables: Dict[str, np.ndarray]) -> None:
    """Write a compressed MATLAB 5 file with a fixed header (so the same
    variables give the same bytes).

    Args:
        path: Output file.
        variables: Variables as built by :func:`build_wider_mat`.
    """
    buf = io.BytesIO()
    scipy.io.savemat(buf, variables, do_compression=True)
    data = bytearray(buf.getvalue())
    data[:_MAT_HEADER_LEN] = _MAT_HEADER.ljust(_MAT_HEADER_LEN)
    with open(path, 'wb') as f:
        f.write(bytes(data))


def save_wider_ground_truth(
        out_dir: str,
        split: str,
        records: Sequence[WiderImageAnnotation],
        keep_min_sizes: Optional[Dict[str, int]] = None) -> Dict[str, int]:
    """Write a split's eval_tools ground truth: ``wider_face_<split>.mat``
    and, with ``keep_min_sizes``, the keep lists
    ``wider_{easy,medium,hard}_<split>.mat``.

    The keep-list policy: a setting keeps the valid faces whose shorter side
    is at least its minimum size (:func:`keep_indices`).

    Args:
        out_dir: Folder for the files.
        split: Split name (:func:`wider_gt_files`).
        records: Annotated images of the split.
        keep_min_sizes: Setting -> smallest kept face side, for every
            setting in :data:`WIDER_SETTINGS`; None writes no keep lists.

    Returns:
        Setting -> number of faces kept (empty without keep lists).
    """
    gt_file, setting_files = wider_gt_files(split)
    save_wider_mat(osp.join(out_dir, gt_file), build_wider_mat(records))
    counts: Dict[str, int] = {}
    for setting in WIDER_SETTINGS if keep_min_sizes is not None else ():
        min_size = keep_min_sizes[setting]
        save_wider_mat(osp.join(out_dir, setting_files[setting]),
                       build_wider_mat(records, min_size))
        counts[setting] = int(
            sum(len(keep_indices(r.boxes, min_size)) for r in records))
    return counts
