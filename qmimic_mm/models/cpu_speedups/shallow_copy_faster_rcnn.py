"""mmdet's two-stage detector without the deep copy of the batch in
``loss``."""
from typing import List

import torch
from mmdet.models.detectors import FasterRCNN
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample, SampleList
from mmengine.structures import BaseDataElement
from torch import Tensor


def _shallow_copy(element: BaseDataElement) -> BaseDataElement:
    """A new element of the same type with the same metainfo and the same
    data field objects (tensors are shared, not copied)."""
    copy = type(element)(metainfo=element.metainfo)
    for key, value in element.items():
        setattr(copy, key, value)
    return copy


def rpn_data_samples(batch_data_samples: SampleList) -> List[DetDataSample]:
    """The RPN's view of the batch: every sample with its ground-truth
    labels set to 0 (one "object" class), the rest shared with the
    caller's samples.

    Equal to what :meth:`mmdet TwoStageDetector.loss` builds with
    ``copy.deepcopy`` (the RPN head only reads the samples), without
    copying every tensor, box and metainfo value of the batch: at the demo
    student's size that deep copy was ~1 ms of a ~33 ms training step.
    """
    samples = []
    for sample in batch_data_samples:
        rpn_sample = _shallow_copy(sample)
        gt_instances = _shallow_copy(sample.gt_instances)
        gt_instances.labels = torch.zeros_like(sample.gt_instances.labels)
        rpn_sample.gt_instances = gt_instances
        samples.append(rpn_sample)
    return samples


@MODELS.register_module()
class ShallowCopyFasterRCNN(FasterRCNN):
    """:class:`mmdet.models.detectors.FasterRCNN` (here with an R-FCN RoI
    head) whose training ``loss`` hands the RPN shallow copies of the data
    samples (:func:`rpn_data_samples`) instead of a deep copy of the batch.

    Same modules, state dict, losses and gradients as ``FasterRCNN``
    (tested on the demo student); inference is the parent's.

    Args:
        shallow_rpn_samples (bool): Use the shallow copies; False runs
            ``FasterRCNN.loss`` unchanged (the timing baseline). Defaults
            to True.
        **kwargs: As :class:`mmdet.models.detectors.FasterRCNN`.
    """

    def __init__(self, shallow_rpn_samples: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shallow_rpn_samples = shallow_rpn_samples

    def loss(self, batch_inputs: Tensor,
             batch_data_samples: SampleList) -> dict:
        """:meth:`mmdet TwoStageDetector.loss`, step for step, with
        :func:`rpn_data_samples` in place of its deep copy."""
        if not (self.shallow_rpn_samples and self.with_rpn):
            return super().loss(batch_inputs, batch_data_samples)
        x = self.extract_feat(batch_inputs)
        losses = dict()
        proposal_cfg = self.train_cfg.get('rpn_proposal', self.test_cfg.rpn)
        rpn_losses, rpn_results_list = self.rpn_head.loss_and_predict(
            x, rpn_data_samples(batch_data_samples),
            proposal_cfg=proposal_cfg)
        # as the parent: keep RPN loss names apart from the RoI head's
        for key in list(rpn_losses.keys()):
            if 'loss' in key and 'rpn' not in key:
                rpn_losses[f'rpn_{key}'] = rpn_losses.pop(key)
        losses.update(rpn_losses)
        losses.update(
            self.roi_head.loss(x, rpn_results_list, batch_data_samples))
        return losses
