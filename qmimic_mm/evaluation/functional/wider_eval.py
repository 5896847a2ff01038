"""Fast, exact WIDER FACE easy/medium/hard evaluation (the official protocol).

Implements the protocol of the official MATLAB ``eval_tools``
(``wider_eval.m``, ``read_pred.m``, ``norm_score.m``, ``evaluation.m``,
``plot/VOCap.m``) as described in ``shared/docs/wider-eval-protocol.md``,
with the same numbers but vectorised:

* the per-image IoU matrix and the greedy max-IoU assignment are computed once
  and shared by the three settings (only ``ignore`` differs between them, and
  it does not influence which ground truth a prediction picks);
* the per-image PR table over 1000 thresholds is a prefix count over the
  image's score-sorted boxes, so the sum over images is a histogram of "first
  threshold each box passes" followed by a cumulative sum.
"""
import os
import os.path as osp
from dataclasses import dataclass, field
from functools import cached_property
from typing import Dict, Iterator, List, Mapping, Optional, Tuple

import numpy as np
import scipy.io

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
        raise ValueError(f'WIDER FACE split must be a plain name such as '
                         f"'val' or 'test', got {split!r}")
    return (f'wider_face_{split}.mat',
            {s: f'wider_{s}_{split}.mat'
             for s in WIDER_SETTINGS})


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
        raise ValueError(
            f'{path}: cannot read as a .mat file ({exc})') from exc
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(f'{path}: missing key(s) {missing}; is this an '
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
        raise ValueError(f'{main_path}: event_list, file_list and '
                         f'face_bbx_list differ in length')
    images: Dict[str, Dict[str, WiderImageGroundTruth]] = {}
    for i, event_cell in enumerate(event_list):
        event = _mat_str(event_cell)
        names = np.asarray(file_list[i]).ravel()
        boxes = np.asarray(box_list[i]).ravel()
        if len(names) != len(boxes):
            raise ValueError(f'{main_path}: event {event} has {len(names)} '
                             f'file names but {len(boxes)} box arrays')
        per_setting = {}
        for setting, gt_list in keep_lists.items():
            path = osp.join(gt_dir, setting_files[setting])
            if gt_list.size != len(event_list):
                raise ValueError(f'{path}: gt_list has {gt_list.size} events, '
                                 f'{main_path} has {len(event_list)}')
            event_keep = np.asarray(gt_list.ravel()[i]).ravel()
            if len(event_keep) != len(names):
                raise ValueError(f'{path}: event {event} has '
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
                    raise ValueError(f'{path}: keep index out of range for '
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
        raise ValueError(f'{where}: expected 5 numbers "x y w h score", got '
                         f'{len(fields)} field(s): {line.strip()!r}')
    try:
        values = [float(v) for v in fields]
    except ValueError:
        raise ValueError(
            f'{where}: not a number in {line.strip()!r}') from None
    if not all(np.isfinite(values)):
        raise ValueError(f'{where}: non-finite value in {line.strip()!r}')
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
        raise ValueError(f'{path}:2: missing the box count line')
    try:
        count = int(lines[1].strip())
    except ValueError:
        raise ValueError(f'{path}:2: box count is not an integer: '
                         f'{lines[1].strip()!r}') from None
    if count < 0:
        raise ValueError(f'{path}:2: negative box count {count}')
    box_lines = lines[2:]
    if len(box_lines) != count:
        raise ValueError(f'{path}:2: box count says {count} but the file has '
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
    boxes = np.asarray(
        boxes_xywh_score, dtype=np.float64).reshape(-1, _PRED_COLUMNS)
    event_dir = osp.join(pred_dir, event)
    os.makedirs(event_dir, exist_ok=True)
    path = osp.join(event_dir, f'{image_name}.txt')
    lines = [image_name, str(len(boxes))]
    lines += [' '.join(repr(v) for v in row) for row in boxes.tolist()]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path


def _voc_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """VOC area AP (``VOCap.m``): sentinels, backward max, sum over steps."""
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    i = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def _thresholds(num_thresholds: int) -> np.ndarray:
    """``thr[t-1] = 1 - t / num_thresholds`` for t = 1..num_thresholds."""
    return 1 - np.arange(1, num_thresholds + 1) / num_thresholds


def _best_gt(pred: np.ndarray, flat: _FlatGroundTruth, lo: int,
             hi: int) -> Tuple[np.ndarray, np.ndarray]:
    """Max IoU and first argmax over an image's gt boxes, per prediction.

    Uses the +1 pixel convention of the official ``bbox_overlaps`` with the
    same float operation order, so the values are bit-identical to it.
    """
    px1, py1 = pred[:, 0:1], pred[:, 1:2]
    px2, py2 = px1 + pred[:, 2:3], py1 + pred[:, 3:4]
    gx1, gy1, gx2, gy2 = (flat.x1[lo:hi], flat.y1[lo:hi], flat.x2[lo:hi],
                          flat.y2[lo:hi])
    iw = np.minimum(px2, gx2)
    iw -= np.maximum(px1, gx1)
    iw += 1
    ih = np.minimum(py2, gy2)
    ih -= np.maximum(py1, gy1)
    ih += 1
    np.maximum(iw, 0, out=iw)
    np.maximum(ih, 0, out=ih)
    inter = np.multiply(iw, ih, out=iw)
    p_area = (px2 - px1 + 1) * (py2 - py1 + 1)
    union = np.add(p_area, flat.area[lo:hi], out=ih)
    union -= inter
    # No overlap -> IoU 0 (a degenerate pair may have union <= 0 there).
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=inter > 0)
    best = iou.argmax(axis=1)
    return iou[np.arange(len(best)), best], best + lo


def _check_boxes(boxes: np.ndarray, event: str, name: str) -> np.ndarray:
    """Validate one image's prediction array as ``(K, 5)`` finite float64."""
    arr = np.asarray(boxes, dtype=np.float64)
    if arr.size == 0:
        return arr.reshape(0, _PRED_COLUMNS)
    if arr.ndim != 2 or arr.shape[1] != _PRED_COLUMNS:
        raise ValueError(f'predictions for {event}/{name}: expected a (K, 5) '
                         f'x, y, w, h, score array, got shape {arr.shape}')
    if not np.isfinite(arr).all():
        raise ValueError(f'predictions for {event}/{name}: non-finite value')
    return arr


def evaluate_wider(predictions: Mapping[str, Mapping[str, np.ndarray]],
                   ground_truth: WiderGroundTruth,
                   iou_thresh: float = 0.5,
                   num_thresholds: int = 1000) -> dict:
    """WIDER FACE easy/medium/hard AP, exactly as the official protocol.

    Steps (``evaluation.m``): sort each image's boxes by score (descending);
    min-max normalise scores over every box of ``predictions`` (images absent
    from the ground truth included; the true min and max as ``norm_score.m``,
    whereas a common Python port starts from max 0 / min 1, which differs only
    if every score is < 0 or > 1); greedily assign each box
    to its max-IoU ground truth (+1 pixel IoU); a hit on a face not counted in
    the setting drops the box; PR over ``num_thresholds`` thresholds
    ``1 - t/num_thresholds``; VOC area AP. Ground-truth images without
    predictions still add their faces to the recall denominator.

    Precision is reported as 0 where no box passes a threshold (0/0 in the
    reference; those points never enter the AP). If all scores are equal the
    normalised scores are 0/0 and, as in the official tools, no box passes any
    threshold. A setting counting no face gets AP NaN.

    Args:
        predictions: ``predictions[event][image_name]`` -> ``(K, 5)``
            ``x, y, w, h, score`` (any order); missing images have no boxes.
        ground_truth: From :func:`load_wider_ground_truth`.
        iou_thresh: IoU for a match (official: 0.5).
        num_thresholds: Number of score thresholds (official: 1000).

    Returns:
        ``{'easy': ap, 'medium': ap, 'hard': ap, 'pr_curves': {setting:
        {'precision', 'recall', 'thresholds'}}}``; the arrays are indexed by
        threshold, from the highest threshold to 0.
    """
    if num_thresholds < 1:
        raise ValueError(f'num_thresholds must be >= 1, got {num_thresholds}')
    flat = ground_truth._flat
    # Step 2 needs every box, including images outside the ground truth.
    checked: Dict[str, Dict[str, np.ndarray]] = {}
    all_scores = []
    for event, images in predictions.items():
        checked[event] = {}
        for name, boxes in images.items():
            arr = _check_boxes(boxes, event, name)
            checked[event][name] = arr
            all_scores.append(arr[:, 4])
    scores_all = np.concatenate(all_scores) if all_scores else np.zeros(0)

    # Steps 1, 3, 4 (assignment part): one pass over the images.
    best_iou, best_gt, scores = [], [], []
    for event, name, lo, hi in flat.spans:
        pred = checked.get(event, {}).get(name)
        if pred is None or pred.shape[0] == 0 or hi == lo:
            continue
        # The order among equal scores cannot change the PR counts: tied
        # boxes pass exactly the same thresholds.
        pred = pred[np.argsort(-pred[:, 4], kind='stable')]
        iou, gt_idx = _best_gt(pred, flat, lo, hi)
        best_iou.append(iou)
        best_gt.append(gt_idx)
        scores.append(pred[:, 4])

    thresholds = _thresholds(num_thresholds)
    if best_iou:
        best_iou_arr = np.concatenate(best_iou)
        best_gt_arr = np.concatenate(best_gt)
        score_arr = np.concatenate(scores)
        lo_s, hi_s = scores_all.min(), scores_all.max()
        span = hi_s - lo_s
        if span > 0:
            norm = (score_arr - lo_s) / span
            # First threshold index each box passes (score >= thr); the boxes
            # of an image are score sorted, so "passes threshold t" is exactly
            # "is within the prefix r of step 5" and per-image prefix counts
            # summed over images become a histogram + cumsum.
            first_t = num_thresholds - np.searchsorted(
                thresholds[::-1], norm, side='right')
        else:
            first_t = np.full(len(score_arr), num_thresholds)
        hit = best_iou_arr >= iou_thresh
    else:
        best_gt_arr = np.zeros(0, dtype=np.int64)
        first_t = np.zeros(0, dtype=np.int64)
        hit = np.zeros(0, dtype=bool)

    result: dict = {'pr_curves': {}}
    for setting in WIDER_SETTINGS:
        counts = flat.counted[setting][best_gt_arr]
        # Boxes whose max-IoU face is not counted leave proposal_list.
        proposal = ~(hit & ~counts)
        # The first hit of each counted face raises pred_recall by one.
        tp_pos = np.flatnonzero(hit & counts)
        _, first = np.unique(best_gt_arr[tp_pos], return_index=True)
        tp_pos = tp_pos[first]
        n_bins = num_thresholds + 1
        n_prop = np.cumsum(
            np.bincount(first_t[proposal], minlength=n_bins)[:-1])
        n_tp = np.cumsum(np.bincount(first_t[tp_pos], minlength=n_bins)[:-1])
        n_prop = n_prop.astype(np.float64)
        n_tp = n_tp.astype(np.float64)
        precision = np.divide(
            n_tp, n_prop, out=np.zeros(num_thresholds), where=n_prop > 0)
        num_faces = flat.num_faces[setting]
        if num_faces:
            recall = n_tp / num_faces
            ap = _voc_ap(recall, precision)
        else:
            recall = np.full(num_thresholds, np.nan)
            ap = float('nan')
        result[setting] = ap
        result['pr_curves'][setting] = {
            'precision': precision,
            'recall': recall,
            'thresholds': thresholds,
        }
    return result


def plot_wider_pr_curves(result: dict,
                         out_dir: str,
                         label: str = 'model') -> List[str]:
    """Save one precision-recall PNG per setting, like the official plots.

    Args:
        result: Output of :func:`evaluate_wider`.
        out_dir: Folder for ``wider_pr_{easy,medium,hard}.png``.
        label: Method name for the legend (shown with the AP).

    Returns:
        The written paths.
    """
    return plot_wider_pr_comparison({label: result}, out_dir)


def plot_wider_pr_comparison(results: Dict[str, dict],
                             out_dir: str,
                             file_prefix: str = 'wider_pr',
                             title: str = 'Precision-Recall') -> List[str]:
    """One precision-recall PNG per setting with a curve per method.

    Args:
        results: Method name (legend, shown with its AP) -> output of
            :func:`evaluate_wider`.
        out_dir: Folder for ``<file_prefix>_{easy,medium,hard}.png``.
        file_prefix: File name start. Defaults to ``'wider_pr'``.
        title: Figure title; the setting is appended.

    Returns:
        The written paths.
    """
    # Figure + Agg canvas directly: no pyplot global backend state.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for setting in WIDER_SETTINGS:
        fig = Figure(figsize=(6, 5) if len(results) == 1 else (7, 5.5))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        for label, result in results.items():
            curve = result['pr_curves'][setting]
            recall, precision = curve['recall'], curve['precision']
            shown = recall > 0  # thresholds no box passes have no PR point
            ax.plot(
                recall[shown],
                precision[shown],
                linewidth=2,
                label=f'{label}-{result[setting]:.3f}')
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel('Recall')
        ax.set_ylabel('Precision')
        ax.set_title(f'{title} ({setting})')
        ax.grid(True, linestyle=':')
        ax.legend(loc='lower left',
                  fontsize='medium' if len(results) == 1 else 'small')
        fig.tight_layout()
        path = osp.join(out_dir, f'{file_prefix}_{setting}.png')
        fig.savefig(path, dpi=100)
        paths.append(path)
    return paths
