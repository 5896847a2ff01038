"""WIDER FACE read from its official release layout (images + bbx_gt txt)."""
import logging
import os.path as osp
from typing import Any, List, Optional, Tuple

from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS
from mmengine.fileio import get_local_path, get_text
from mmengine.logging import print_log

from qmimic_mm.utils.errors import InvalidInputError

# The format is owned by qmimic_mm.wider; re-exported for dataset users.
from qmimic_mm.wider.format import (WIDER_ATTRIBUTES, WIDER_NUM_FIELDS,
                                    WiderImageAnnotation, parse_wider_bbx_gt)

from .image_check import BadImageError, check_image

#: Values of the dataset's ``bad_image`` switch.
BAD_IMAGE_MODES = ('stop', 'skip')

__all__ = [
    'BAD_IMAGE_MODES', 'WIDER_ATTRIBUTES', 'WIDER_NUM_FIELDS',
    'WiderFaceOfficialDataset',
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

    Bad images: while the data list is built (before the first iteration),
    every image's header is read and checked (missing, empty, not an image,
    truncated JPEG; see :func:`~.image_check.check_image`). With
    ``bad_image='stop'`` (the default) the first bad one stops the run with
    one line naming the file and the config key of this switch. With
    ``bad_image='skip'`` (training sets only; an evaluation must see every
    image) each is dropped with a warning and the count is logged; an image
    that still fails to decode during training is skipped through mmengine's
    refetch of another sample (``max_refetch``), also counted.

    The data list is summarised in the log: images, boxes, degenerate boxes
    (ignored), boxes reaching outside the image (kept; ``Resize`` clips
    them), images without faces; none of them is an error.

    Args:
        *args: Passed to :class:`mmdet.datasets.BaseDetDataset`.
        min_box_size: Boxes whose width or height is below this (pixels) are
            flagged ignore, in addition to ``w <= 0`` / ``h <= 0``.
            Defaults to 0.
        load_img_size: Read each image's width/height from its header when
            building the data list (cheap for local JPEGs). If False,
            ``width``/``height`` are None, ``filter_cfg['min_size']`` is
            unavailable and the images are not checked. Defaults to True.
        bad_image: ``'stop'`` or ``'skip'``, see above. Defaults to
            ``'stop'``.
        **kwargs: Passed to :class:`mmdet.datasets.BaseDetDataset`.
    """

    METAINFO: dict = {'classes': ('face', ), 'palette': [(0, 255, 0)]}

    def __init__(self,
                 *args,
                 min_box_size: float = 0.,
                 load_img_size: bool = True,
                 bad_image: str = 'stop',
                 **kwargs) -> None:
        if bad_image not in BAD_IMAGE_MODES:
            raise InvalidInputError(
                f"bad_image must be one of {BAD_IMAGE_MODES}, got "
                f"{bad_image!r}")
        if bad_image == 'skip' and kwargs.get('test_mode'):
            raise InvalidInputError(
                "bad_image='skip' is for training sets: an evaluation "
                "must see every image; use bad_image='stop'")
        self.min_box_size = min_box_size
        self.load_img_size = load_img_size
        self.bad_image = bad_image
        self.skipped_images = 0
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
                try:
                    width, height = self._read_img_size(img_path)
                except BadImageError as err:
                    self._bad(err)
                    continue
            data_list.append(
                dict(
                    img_id=f'{record.event}/{record.name}',
                    img_path=img_path,
                    event=record.event,
                    img_name=record.name,
                    width=width,
                    height=height,
                    instances=[self._parse_instance(b) for b in record.boxes]))
        if self.skipped_images:
            print_log(
                f'{self.ann_file}: skipped {self.skipped_images} bad '
                f'image(s) of {len(records)} (bad_image=\'skip\')',
                logger='current', level=logging.WARNING)
        print_log(self._summary(data_list), logger='current')
        return data_list

    def _bad(self, err: BadImageError) -> None:
        """Stop on a bad image, or count and skip it (``bad_image``)."""
        err.ann_file = self.ann_file
        if self.bad_image == 'stop':
            raise err
        self.skipped_images += 1
        print_log(f'skipping {err.path}: {err.detail}', logger='current',
                  level=logging.WARNING)

    @staticmethod
    def _summary(data_list: List[dict]) -> str:
        """One log line counting what the WIDER protocol ignores or keeps."""
        boxes = [i for info in data_list for i in info['instances']]
        degenerate = sum(i['bbox'][2] <= i['bbox'][0]
                         or i['bbox'][3] <= i['bbox'][1] for i in boxes)
        outside = sum(
            info['width'] is not None and (
                i['bbox'][0] < 0 or i['bbox'][1] < 0
                or i['bbox'][2] > info['width']
                or i['bbox'][3] > info['height'])
            for info in data_list for i in info['instances'])
        empty = sum(not info['instances'] for info in data_list)
        return (f'{len(data_list)} images, {len(boxes)} boxes: '
                f'{sum(i["ignore_flag"] for i in boxes)} ignored '
                f'({degenerate} of zero or negative size), {outside} reaching '
                f'outside the image (clipped by Resize), {empty} images '
                'without faces')

    def _read_img_size(self, img_path: str) -> Tuple[int, int]:
        """Return ``(width, height)`` from the image header, checking that
        the file is whole (:func:`~.image_check.check_image`)."""
        try:
            with get_local_path(img_path,
                                backend_args=self.backend_args) as local_path:
                return check_image(local_path)
        except BadImageError as err:
            err.path = img_path
            raise
        except FileNotFoundError:
            raise BadImageError(img_path, 'file not found') from None

    def prepare_data(self, idx: int) -> Any:
        """mmdet's ``prepare_data``; in skip mode an image that fails to
        decode returns None, so mmengine's ``__getitem__`` takes another
        (``max_refetch``)."""
        try:
            return super().prepare_data(idx)
        except (OSError, AssertionError) as err:
            # mmcv: 'failed to load image: <path>' (cv2 decoded nothing),
            # or the reader's OSError
            path = self.get_data_info(idx).get('img_path', '?')
            if self.bad_image != 'skip' or (
                    isinstance(err, AssertionError)
                    and 'failed to load image' not in str(err)):
                raise
            self.skipped_images += 1
            print_log(f'skipping {path} during training ({err}); '
                      f'{self.skipped_images} bad image(s) skipped so far',
                      logger='current', level=logging.WARNING)
            return None

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
