"""Recorder of the mimic regions of a one-stage student (dense heads)."""
import functools
from typing import Any, List, Optional, Tuple

import torch
from mmdet.models.task_modules.prior_generators import MlvlPointGenerator
from mmdet.structures.bbox import get_box_tensor
from mmrazor.registry import TASK_UTILS
from torch import nn

from qmimic_mm.models.losses.dense_regions import (REGION_MODES,
                                                   MimicRegions,
                                                   box_region_mask,
                                                   boxes_to_rois,
                                                   fine_grained_masks,
                                                   level_strides, point_boxes)
from .head_call_recorder import HeadCallRecorder


@TASK_UTILS.register_module()
class DenseMimicRegionsRecorder(HeadCallRecorder):
    """Record the mimic regions ``i`` of Eq. 6 for a dense detector.

    The one-stage counterpart of :class:`TrainingRoIsRecorder`: MMRazor
    passes no data samples to the distiller, so this recorder wraps the
    student's ``bbox_head.loss(x, batch_data_samples)`` and turns the
    batch's ground-truth boxes (in the resized image's pixels, as the head
    trains on them) into one mask per level of ``x``, on the grid of the
    head's priors (:mod:`qmimic_mm.models.losses.dense_regions`). Each record
    is a :class:`MimicRegions`.

    Args:
        source (str): Module path of the dense head. Defaults to 'bbox_head'.
        region (str): ``'boxes'`` (ground-truth boxes projected per level),
            ``'fine_grained'`` (Wang et al. 2019's IoU >= psi x best mask) or
            ``'whole'`` (every cell). Defaults to 'boxes'.
        psi (float): Threshold factor of ``'fine_grained'``, in (0, 1].
            Defaults to 0.5.
        point_box_scale (float): For point priors (FCOS, RTMDet), the side of
            the square box each point stands for in ``'fine_grained'``, in
            strides. Defaults to 8.

    Example:
        >>> student_recorders = dict(
        ...     regions=dict(type='DenseMimicRegions', region='fine_grained'))
    """

    head_kind = 'dense head (e.g. "bbox_head")'
    record_kind = 'regions'

    def __init__(self, source: str = 'bbox_head', region: str = 'boxes',
                 psi: float = 0.5, point_box_scale: float = 8.0) -> None:
        super().__init__(source)
        if region not in REGION_MODES:
            raise ValueError(
                'DenseMimicRegionsRecorder: region must be one of '
                f'{REGION_MODES}, got region={region!r}.')
        if not 0 < psi <= 1:
            raise ValueError(
                f'DenseMimicRegionsRecorder: psi must be in (0, 1], got '
                f'psi={psi} (Wang et al. use 0.5).')
        if not point_box_scale > 0:
            raise ValueError(
                'DenseMimicRegionsRecorder: point_box_scale must be > 0, got '
                f'{point_box_scale}.')
        self.region = region
        self.psi = float(psi)
        self.point_box_scale = float(point_box_scale)
        self._prior_generator: Any = None
        self._strides: Tuple[float, ...] = ()

    def prepare_from_model(self, model: Optional[nn.Module] = None) -> None:
        """Wrap the dense head's ``loss`` on this instance only."""
        head = self.find_head(model)
        generator = getattr(head, 'prior_generator', None)
        if generator is None:
            raise ValueError(
                f'DenseMimicRegionsRecorder: {self.source!r} '
                f'({type(head).__name__}) has no prior_generator; attach the '
                'recorder to a one-stage dense head (RetinaHead, FCOSHead, '
                'RTMDetHead, ...). RoI detectors use TrainingRoIs.')
        self._prior_generator = generator
        self._strides = level_strides(generator)
        head.loss = self._wrap_loss(head.loss)

    def _wrap_loss(self, loss: Any) -> Any:

        @functools.wraps(loss)
        def recorded_loss(x, batch_data_samples, *args, **kwargs):
            if self._recording:
                self.data_buffer.append(
                    self.regions(x, batch_data_samples))
            return loss(x, batch_data_samples, *args, **kwargs)

        return recorded_loss

    @torch.no_grad()
    def regions(self, x: List[torch.Tensor],
                batch_data_samples: List[Any]) -> MimicRegions:
        """The :class:`MimicRegions` of a batch on the level maps ``x``."""
        grid_sizes = [tuple(f.shape[-2:]) for f in x]
        strides = self._strides
        device = x[0].device
        batch_size = x[0].shape[0]
        boxes = [get_box_tensor(s.gt_instances.bboxes).to(device).float()
                 for s in batch_data_samples]
        if self.region == 'whole':
            masks = [x[0].new_ones(batch_size, h, w, dtype=torch.float32)
                     for h, w in grid_sizes]
            return MimicRegions(tuple(masks), strides,
                                int(sum(m.sum() for m in masks)), 'whole')
        if self.region == 'boxes':
            rois = boxes_to_rois(boxes).to(device)
            masks = [box_region_mask(rois, s, batch_size, h, w)
                     for s, (h, w) in zip(strides, grid_sizes)]
            return MimicRegions(tuple(masks), strides, int(rois.shape[0]),
                                'boxes')
        priors = self._prior_generator.grid_priors(grid_sizes, device=device)
        if isinstance(self._prior_generator, MlvlPointGenerator):
            priors = [point_boxes(p, s, self.point_box_scale)
                      for p, s in zip(priors, strides)]
        masks = fine_grained_masks(
            priors, boxes, grid_sizes,
            self._prior_generator.num_base_priors, self.psi)
        return MimicRegions(tuple(masks), strides,
                            int(sum(m.sum() for m in masks)), 'fine_grained')


__all__: List[str] = ['DenseMimicRegionsRecorder']
