"""WIDER FACE read from its official release layout (images + bbx_gt txt)."""
import os.path as osp
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS
from mmengine.fileio import get_local_path, get_text
from PIL import Image

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


def _int_fields(text: str, where: str, what: str) -> List[int]:
    """Split a box row into exactly :data:`WIDER_NUM_FIELDS` integers."""
    parts = text.split()
    if len(parts) != WIDER_NUM_FIELDS:
        raise ValueError(f'{where}: expected {what} with {WIDER_NUM_FIELDS} '
                         f'integer fields (x1 y1 w h '
                         f'{" ".join(WIDER_ATTRIBUTES)}), got {len(parts)} '
                         f'fields: {text!r}')
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise ValueError(f'{where}: expected {what} with integer fields, '
                         f'got {text!r}') from None


def parse_wider_bbx_gt(text: str,
                       filename: str = '<string>'
                       ) -> List[WiderImageAnnotation]:
    """Parse the official WIDER FACE ``wider_face_<split>_bbx_gt.txt`` format.

    The format repeats, per image: the image path relative to
    ``WIDER_<split>/images`` (``<event>/<name>.jpg``), a line with the face
    count N, then N lines ``x1 y1 w h blur expression illumination invalid
    occlusion pose``. An image with no face has count 0 followed by one
    placeholder line of ten zeros.

    Args:
        text: Whole content of the txt file.
        filename: Name used in error messages.

    Returns:
        One :class:`WiderImageAnnotation` per image, in file order.

    Raises:
        ValueError: On any malformed or truncated entry; the message names
            ``filename:line`` and what was expected there.
    """
    lines = text.splitlines()
    # Trailing blank lines are harmless; blank lines anywhere else are not.
    while lines and not lines[-1].strip():
        lines.pop()
    records: List[WiderImageAnnotation] = []
    i = 0  # 0-based index of the next unread line
    n = len(lines)

    def where(idx: int) -> str:
        return f'{filename}:{idx + 1}'

    while i < n:
        rel_path = lines[i].strip()
        if ('/' not in rel_path or len(rel_path.split()) != 1
                or rel_path.endswith('/')):
            raise ValueError(f'{where(i)}: expected an image path '
                             f'"<event>/<image>.jpg", got {lines[i]!r}')
        record = WiderImageAnnotation(rel_path=rel_path, line=i + 1)
        i += 1
        if i >= n:
            raise ValueError(f'{where(i)}: expected the face count of '
                             f'{rel_path!r}, but the file ended')
        count_text = lines[i].strip()
        try:
            count = int(count_text)
        except ValueError:
            raise ValueError(f'{where(i)}: expected the integer face count '
                             f'of {rel_path!r}, got {lines[i]!r}') from None
        if count < 0:
            raise ValueError(f'{where(i)}: expected a non-negative face '
                             f'count for {rel_path!r}, got {count}')
        i += 1
        # Zero-face images still carry one placeholder row.
        num_rows = max(count, 1)
        if i + num_rows > n:
            raise ValueError(
                f'{where(n)}: expected {num_rows} box row(s) for '
                f'{rel_path!r} (count at line {i}), but the file ended '
                f'after {n - i} of them')
        for k in range(num_rows):
            if count == 0:
                row = _int_fields(lines[i + k], where(i + k),
                                  'the zero-face placeholder row')
                if any(row):
                    raise ValueError(
                        f'{where(i + k)}: expected the all-zero placeholder '
                        f'row after face count 0 of {rel_path!r}, got '
                        f'{lines[i + k]!r}')
            else:
                record.boxes.append(
                    _int_fields(lines[i + k], where(i + k),
                                f'box row {k + 1}/{count} of {rel_path!r}'))
        i += num_rows
        records.append(record)
    return records


@DATASETS.register_module()
class WiderFaceOfficialDataset(BaseDetDataset):
    """WIDER FACE read from its official release layout.

    Expected layout (as downloaded from the WIDER FACE site)::

        data_root/
            WIDER_train/images/<event>/<image>.jpg
            WIDER_val/images/<event>/<image>.jpg
            wider_face_split/wider_face_train_bbx_gt.txt
            wider_face_split/wider_face_val_bbx_gt.txt

    Use ``ann_file='wider_face_split/wider_face_train_bbx_gt.txt'`` and
    ``data_prefix=dict(img='WIDER_train/images/')``. See
    :func:`parse_wider_bbx_gt` for the txt format.

    Every data info holds ``img_id`` (``'<event>/<name>'``), ``img_path``,
    ``event``, ``img_name`` (no extension: the key of the official
    evaluation), ``height``/``width`` (read from the JPEG header, see
    ``load_img_size``) and ``instances``. Each instance keeps ``bbox``
    (``[x1, y1, x1 + w, y1 + h]``, raw, even when degenerate), ``bbox_label``
    (0), ``ignore_flag`` and all six official attributes (``blur``,
    ``expression``, ``illumination``, ``invalid``, ``occlusion``, ``pose``)
    as ints. ``ignore_flag`` is 1 for ``invalid == 1`` faces and for
    degenerate ones (``w <= 0`` or ``h <= 0`` or ``min(w, h) <
    min_box_size``); such boxes never raise. Zero-face images are kept with
    ``instances == []``.

    ``filter_cfg`` follows mmdet's XML/COCO datasets and is skipped in
    ``test_mode``: ``filter_empty_gt=True`` drops images with no instance at
    all (ignored instances count as instances, as mmdet does for ``difficult``
    / ``iscrowd`` boxes); ``min_size`` drops images whose shorter side is
    below it (pixels).

    Gray images: ``LoadImageFromFile(color_type='grayscale')`` yields a 2-D
    ``(H, W)`` array; mmcv ``Resize``/``RandomFlip`` keep it 2-D and
    ``PackDetInputs`` adds the channel axis, giving ``(1, H, W)`` inputs.
    In ``DetDataPreprocessor`` use one-value ``mean``/``std`` and
    **``bgr_to_rgb=False``**: mmengine applies the ``[2, 1, 0]`` channel
    swap without checking the channel count, so ``bgr_to_rgb=True`` fails
    on one-channel inputs with an index error. Colour-only transforms (e.g.
    ``PhotoMetricDistortion``) need 3 channels and must not be used.

    Args:
        *args: Passed to :class:`mmdet.datasets.BaseDetDataset`.
        min_box_size: Boxes whose width or height is below this (pixels) are
            flagged ignore, in addition to ``w <= 0`` / ``h <= 0``.
            Defaults to 0.
        load_img_size: Read each image's width/height from its header when
            building the data list (cheap for local JPEGs). If False,
            ``width``/``height`` are None and ``filter_cfg['min_size']`` is
            unavailable. Defaults to True.
        **kwargs: Passed to :class:`mmdet.datasets.BaseDetDataset`.
    """

    METAINFO: dict = {'classes': ('face', ), 'palette': [(0, 255, 0)]}

    def __init__(self,
                 *args,
                 min_box_size: float = 0.,
                 load_img_size: bool = True,
                 **kwargs) -> None:
        self.min_box_size = min_box_size
        self.load_img_size = load_img_size
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Parse ``ann_file`` into mmdet data infos.

        Returns:
            One data info per image, in file order.
        """
        text = get_text(self.ann_file, backend_args=self.backend_args)
        records = parse_wider_bbx_gt(text, filename=self.ann_file)
        img_prefix = self.data_prefix.get('img', '')
        data_list = []
        for record in records:
            img_path = osp.join(img_prefix, record.rel_path)
            width: Optional[int] = None
            height: Optional[int] = None
            if self.load_img_size:
                width, height = self._read_img_size(img_path)
            data_list.append(
                dict(
                    img_id=f'{record.event}/{record.name}',
                    img_path=img_path,
                    event=record.event,
                    img_name=record.name,
                    width=width,
                    height=height,
                    instances=[self._parse_instance(b) for b in record.boxes]))
        return data_list

    def _read_img_size(self, img_path: str) -> Tuple[int, int]:
        """Return ``(width, height)`` from the image header only."""
        with get_local_path(img_path,
                            backend_args=self.backend_args) as local_path:
            with Image.open(local_path) as img:  # lazy: decodes no pixels
                return img.size

    def _parse_instance(self, row: List[int]) -> dict:
        """Turn one official box row into an mmdet instance dict."""
        x, y, w, h = row[:4]
        attrs = dict(zip(WIDER_ATTRIBUTES, row[4:]))
        degenerate = w <= 0 or h <= 0 or min(w, h) < self.min_box_size
        ignore = degenerate or attrs['invalid'] == 1
        return dict(
            bbox=[float(x), float(y), float(x + w), float(y + h)],
            bbox_label=0,
            ignore_flag=int(ignore),
            **attrs)

    def filter_data(self) -> List[dict]:
        """Filter images by ``filter_cfg`` (``filter_empty_gt``,
        ``min_size``) as mmdet's own datasets do.

        Returns:
            The kept data infos.
        """
        if self.test_mode or not self.filter_cfg:
            return self.data_list
        filter_empty_gt = self.filter_cfg.get('filter_empty_gt', False)
        min_size = self.filter_cfg.get('min_size', 0)
        if min_size > 0 and not self.load_img_size:
            raise ValueError("filter_cfg['min_size'] needs image sizes; "
                             'set load_img_size=True')
        kept = []
        for info in self.data_list:
            if filter_empty_gt and not info['instances']:
                continue
            if min_size > 0 and min(info['width'], info['height']) < min_size:
                continue
            kept.append(info)
        return kept
