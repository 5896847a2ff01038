"""The convolutional part of a one-stage dense detector as one module.

A single-stage detector (mmdet's RTMDet, RetinaNet) is backbone, neck and a
dense head whose ``forward`` gives, per feature level, a class score map
and a box regression map. :class:`DenseHeadNetwork` runs exactly that, from
the preprocessed image to the 2L raw maps (:func:`dense_output_names`). It
is the ``network`` boundary of :func:`~qmimic_mm.deployment.export_onnx`
for one-stage detectors and the first stage of
:class:`~qmimic_mm.deployment.DenseHeadDetectionGraph`.

Supported heads are those whose test-time post-processing is
``BaseDenseHead``'s own (``predict_by_feat`` -> ``_predict_by_feat_single``
-> ``_bbox_post_process``: score threshold, top ``nms_pre`` per level,
decoding, NMS) with two outputs per level and no score factors (no FCOS
centerness, no objectness branch output of its own), a
``MlvlPointGenerator`` or ``AnchorGenerator`` and a
``DistancePointBBoxCoder`` or ``DeltaXYWHBBoxCoder``.
"""
from typing import Tuple

from mmdet.models.dense_heads.base_dense_head import BaseDenseHead
from mmdet.models.task_modules.coders import (DeltaXYWHBBoxCoder,
                                              DistancePointBBoxCoder)
from mmdet.models.task_modules.prior_generators import (AnchorGenerator,
                                                        MlvlPointGenerator)
from torch import Tensor, nn

from qmimic_mm.utils import UserInputError

#: Box coders the one-stage graph decodes, by class.
DENSE_BBOX_CODERS = (DistancePointBBoxCoder, DeltaXYWHBBoxCoder)
#: Prior generators whose ``sparse_priors`` the one-stage graph calls.
DENSE_PRIOR_GENERATORS = (MlvlPointGenerator, AnchorGenerator)
#: What the one-stage exporter handles, for error messages.
DENSE_SUPPORTED = ('the one-stage exporter handles dense heads with (class '
                   'scores, boxes) per level and mmdet\'s BaseDenseHead '
                   'post-processing (RTMDet, RetinaNet)')
#: The ``BaseDenseHead`` methods a supported head must not override.
_POST_PROCESSING = ('predict_by_feat', '_predict_by_feat_single',
                    '_bbox_post_process')


def dense_output_names(num_levels: int) -> Tuple[str, ...]:
    """Output names of :class:`DenseHeadNetwork` for ``num_levels``
    levels: ``cls_score_0`` ... then ``bbox_pred_0`` ... (the head's
    ``forward`` order)."""
    return (tuple(f'cls_score_{i}' for i in range(num_levels)) +
            tuple(f'bbox_pred_{i}' for i in range(num_levels)))


def is_dense_output_names(names: Tuple[str, ...]) -> bool:
    """Whether ``names`` are :func:`dense_output_names` of some level
    count (how ONNX Runtime's runner recognises a one-stage network)."""
    return (len(names) >= 2 and len(names) % 2 == 0
            and tuple(names) == dense_output_names(len(names) // 2))


def unsupported_dense_head(bbox_head: nn.Module) -> str:
    """Why the one-stage graph cannot export ``bbox_head`` (empty if it
    can)."""
    if not isinstance(bbox_head, BaseDenseHead):
        return 'it is not a dense head'
    for name in _POST_PROCESSING:
        if getattr(type(bbox_head), name) is not getattr(BaseDenseHead, name):
            return f'it has a {name} of its own'
    if getattr(bbox_head.loss_cls, 'custom_cls_channels', False):
        return 'its loss_cls has custom class channels'
    for attr, kinds in (('prior_generator', DENSE_PRIOR_GENERATORS),
                        ('bbox_coder', DENSE_BBOX_CODERS)):
        part = getattr(bbox_head, attr, None)
        if type(part) not in kinds:
            names = ', '.join(k.__name__ for k in kinds)
            return (f'its {attr} is {type(part).__name__}, not one of '
                    f'{names}')
    return ''


def _refusal(config: str, bbox_head: nn.Module, reason: str) -> str:
    """The one-line error for a head the exporter does not handle."""
    return (f'{config}: cannot export {type(bbox_head).__name__} '
            f'(model.bbox_head): {reason}; {DENSE_SUPPORTED}')


class DenseHeadNetwork(nn.Module):
    """Backbone, neck and dense head convs of a single-stage detector.

    ``forward(inputs)`` maps the preprocessed image batch (N, C, H, W) to
    the head's class score maps of every level, then its box maps
    (:func:`dense_output_names`), as ``bbox_head.forward`` returns them.

    Args:
        detector (nn.Module): An mmdet single-stage detector whose
            ``bbox_head`` is supported (:func:`unsupported_dense_head`).
        config (str): Config name for error messages.

    Example:
        >>> network = DenseHeadNetwork(model).eval()
        >>> maps = network(inputs)  # cls_score_0.., bbox_pred_0..
    """

    def __init__(self, detector: nn.Module, config: str = 'model') -> None:
        super().__init__()
        bbox_head = getattr(detector, 'bbox_head', None)
        reason = unsupported_dense_head(bbox_head)
        if reason:
            raise UserInputError(_refusal(config, bbox_head, reason))
        self.detector = detector
        self.config = config
        self.num_levels = len(bbox_head.prior_generator.strides)

    def forward(self, inputs: Tensor) -> Tuple[Tensor, ...]:
        det = self.detector
        outs = det.bbox_head(det.extract_feat(inputs))
        if len(outs) != 2:
            raise UserInputError(_refusal(
                self.config, det.bbox_head,
                f'it gives {len(outs)} outputs per level (score factors, '
                'e.g. centerness)'))
        cls_scores, bbox_preds = outs
        return tuple(cls_scores) + tuple(bbox_preds)
