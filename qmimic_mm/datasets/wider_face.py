"""WIDER FACE read from its official release layout (images + bbx_gt txt)."""
import os.path as osp
from typing import List, Optional, Tuple

from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS
from mmengine.fileio import get_local_path, get_text
from PIL import Image

# The format is owned by qmimic_mm.wider; re-exported for dataset users.
from qmimic_mm.wider.format import (WIDER_ATTRIBUTES, WIDER_NUM_FIELDS,
                                    WiderImageAnnotation, parse_wider_bbx_gt)

__all__ = [
    'WIDER_ATTRIBUTES', 'WIDER_NUM_FIELDS', 'WiderFaceOfficialDataset',
    'WiderImageAnnotation', 'parse_wider_bbx_gt'
]


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
