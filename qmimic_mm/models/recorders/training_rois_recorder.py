"""Recorder of the RoIs a student's RoI head trains on (for Eq. 5/6)."""
import functools
from typing import Any, List, Optional

import torch
from mmdet.models.task_modules.samplers import OHEMSampler
from mmdet.structures.bbox import bbox2roi
from mmrazor.registry import TASK_UTILS
from torch import nn

from .head_call_recorder import HeadCallRecorder

ROI_SOURCES = ('auto', 'sampled', 'proposals')


@TASK_UTILS.register_module()
class TrainingRoIsRecorder(HeadCallRecorder):
    """Record the region proposals ``i`` of the mimic loss (Eq. 5/6).

    MMRazor passes no data samples to the distiller, so the RoIs reach
    ``QuantMimicLoss`` through this recorder, attached to the student's RoI
    head (an mmdet ``StandardRoIHead`` or subclass). Each record is an
    (N, 5) tensor ``[batch_idx, x1, y1, x2, y2]`` (cloned and detached: the
    head edits its inputs in place).

    Args:
        source (str): Module path of the RoI head. Defaults to 'roi_head'.
        roi_source (str): ``'sampled'``: the RoIs of the head's training
            forward (the 128 sampled RoIs per image of Faster R-CNN; after
            OHEM, the kept hard RoIs). ``'proposals'``: every RPN proposal
            handed to the head (the 2000 RoIs of the paper's R-FCN setting,
            which OHEM scores). ``'auto'``: ``'proposals'`` when the head
            samples with OHEM, else ``'sampled'`` — the paper's choice for
            both detectors. Defaults to 'auto'.

    Example:
        >>> student_recorders = dict(
        ...     rois=dict(type='TrainingRoIs', roi_source='proposals'))
    """

    head_kind = 'RoI head (e.g. "roi_head")'
    record_kind = 'RoIs'

    def __init__(self, source: str = 'roi_head',
                 roi_source: str = 'auto') -> None:
        super().__init__(source)
        if roi_source not in ROI_SOURCES:
            raise ValueError(
                'TrainingRoIsRecorder: roi_source must be one of '
                f'{ROI_SOURCES}, got {roi_source!r}.')
        self.roi_source = roi_source

    def prepare_from_model(self, model: Optional[nn.Module] = None) -> None:
        """Wrap the RoI head's method on this instance only."""
        head = self.find_head(model)
        if self.roi_source == 'auto':
            sampler = getattr(head, 'bbox_sampler', None)
            self.roi_source = ('proposals' if isinstance(sampler, OHEMSampler)
                               else 'sampled')
        if self.roi_source == 'proposals':
            head.loss = self._wrap_loss(head.loss)
        else:
            head._bbox_forward = self._wrap_bbox_forward(head._bbox_forward)

    def _wrap_loss(self, loss: Any) -> Any:

        @functools.wraps(loss)
        def recorded_loss(x, rpn_results_list, *args, **kwargs):
            if self._recording:
                self.data_buffer.append(
                    bbox2roi([r.bboxes.detach().clone()
                              for r in rpn_results_list]))
            return loss(x, rpn_results_list, *args, **kwargs)

        return recorded_loss

    def _wrap_bbox_forward(self, bbox_forward: Any) -> Any:

        @functools.wraps(bbox_forward)
        def recorded_bbox_forward(x, rois, *args, **kwargs):
            # OHEM scores candidates under no_grad first; only the forward
            # the losses flow through carries the training RoIs.
            if self._recording and torch.is_grad_enabled():
                self.data_buffer.append(rois.detach().clone())
            return bbox_forward(x, rois, *args, **kwargs)

        return recorded_bbox_forward


__all__: List[str] = ['TrainingRoIsRecorder']
