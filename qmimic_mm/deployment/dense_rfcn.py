"""The convolutional part of an R-FCN detector as one module.

Everything that is a convolutional network -- backbone (and neck), the RPN
head's convs and the R-FCN score-map convs -- from the preprocessed image to
four raw tensors (:data:`OUTPUT_NAMES`). It is the ``network`` boundary of
:func:`~qmimic_mm.deployment.export_onnx` and the first stage of
:class:`~qmimic_mm.deployment.RFCNDetectionGraph`.
"""
from typing import Tuple

from torch import Tensor, nn

from qmimic_mm.utils import UserInputError

#: Outputs of :class:`DenseRFCN`, in order.
OUTPUT_NAMES = ('rpn_cls_score', 'rpn_bbox_pred', 'cls_maps', 'reg_maps')


class DenseRFCN(nn.Module):
    """The convolutional part of a single-level R-FCN detector.

    ``forward(inputs)`` maps the preprocessed image batch (N, C, H, W) to
    the RPN's objectness and box deltas (one level) and the R-FCN head's
    position-sensitive class and box score maps (:data:`OUTPUT_NAMES`).

    Args:
        detector (nn.Module): An mmdet two-stage detector whose
            ``roi_head`` is :class:`~qmimic_mm.models.RFCNRoIHead` and
            whose RPN has one feature level.

    Example:
        >>> dense = DenseRFCN(model).eval()
        >>> rpn_cls, rpn_reg, cls_maps, reg_maps = dense(inputs)
    """

    def __init__(self, detector: nn.Module, config: str = 'model') -> None:
        super().__init__()
        roi_head = getattr(detector, 'roi_head', None)
        bbox_head = getattr(roi_head, 'bbox_head', None)
        if not hasattr(bbox_head, 'forward_score_maps'):
            raise UserInputError(
                f'{config}: cannot export op {type(roi_head).__name__} '
                f'(model.roi_head): it is not an R-FCN '
                'head: the exporter handles RFCNRoIHead detectors (configs/'
                'rfcn, configs/demo) and single-stage dense detectors '
                '(RTMDet, RetinaNet: configs/rtmdet, configs/retinanet)')
        self.detector = detector

    def forward(self, inputs: Tensor) -> Tuple[Tensor, ...]:
        det = self.detector
        feats = det.extract_feat(inputs)
        rpn_cls, rpn_reg = det.rpn_head(feats)
        if len(rpn_cls) != 1:
            raise UserInputError('model.rpn_head has several feature levels; '
                                 'the exporter handles single-level RPNs')
        cls_maps, reg_maps = det.roi_head.bbox_head.forward_score_maps(
            feats[det.roi_head.feat_index])
        return rpn_cls[0], rpn_reg[0], cls_maps, reg_maps
