"""Export the network part of an R-FCN detector to ONNX.

Boundary: the ONNX graph is everything that is a convolutional network --
backbone (and neck), RPN head convs and the R-FCN score-map convs -- from
the preprocessed image to four raw tensors (:data:`OUTPUT_NAMES`). What is
data dependent stays in the project's PyTorch code, run by
:class:`~qmimic_mm.deployment.ORTDetector`: anchor decoding and NMS of the
proposals, PS-RoI pooling and voting, box decoding and the final NMS. That
code is the same that ``tools/test.py`` runs, so the detections differ only
by the float rounding of the convolutions in ONNX Runtime (~1e-6).

Why not mmdeploy 1.3.1: it pins ``protobuf<=3.20.2`` (onnx 1.23 needs a
newer one), ships custom ops built for onnxruntime 1.15, rewrites torch 1.x
ONNX internals (``torch.onnx.utils._model_to_graph``) and has no R-FCN /
PS-RoI support. Plain ``torch.onnx.export`` (TorchScript exporter, opset
17; the dynamo exporter would need ``onnxscript``) covers the boundary
above with standard ONNX ops.
"""
import re
from typing import Sequence, Tuple

import torch
from torch import Tensor, nn

from qmimic_mm.utils import UserInputError

#: Output tensors of the exported graph, in order.
OUTPUT_NAMES = ('rpn_cls_score', 'rpn_bbox_pred', 'cls_maps', 'reg_maps')
#: ONNX opset used.
OPSET = 17


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
                'rfcn, configs/demo); export a detector config')
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


def _export(module: nn.Module, example: Tensor, out: str,
            output_names: Sequence[str], config: str) -> None:
    """``torch.onnx.export`` with dynamic N, H, W; failures become one
    :class:`UserInputError` naming the op and the config."""
    axes = {'inputs': {0: 'batch', 2: 'height', 3: 'width'}}
    for name in output_names:
        axes[name] = {0: 'batch', 2: 'feat_height', 3: 'feat_width'}
    try:
        with torch.no_grad():
            torch.onnx.export(
                module, (example, ), out, dynamo=False, opset_version=OPSET,
                input_names=['inputs'], output_names=list(output_names),
                dynamic_axes=axes)
    except UserInputError:
        raise
    except Exception as err:  # the exporter raises many types
        text = str(err)
        match = (re.search(r"operator '([^']+)'", text)
                 or re.search(r'Python operator (\w+)', text)
                 or re.search(r'(\w+::\w+)', text))
        op = match.group(1) if match else type(err).__name__
        first = text.strip().splitlines()[0] if text.strip() else ''
        raise UserInputError(
            f'{config}: ONNX export failed at op {op!r} ({first}). The '
            'model contains an op without an ONNX form at opset '
            f'{OPSET}; remove it from the deployed config (e.g. a training-'
            'only quantizer neck) or give it an ONNX symbolic') from err


def export_onnx(detector: nn.Module, out: str,
                example: Tensor, config: str = 'model') -> None:
    """Export :class:`DenseRFCN` of ``detector`` (eval mode) to ``out``.

    Args:
        detector (nn.Module): The R-FCN detector.
        out (str): Path of the ``.onnx`` file.
        example (Tensor): A preprocessed input (1, C, H, W) to trace with;
            height and width are dynamic in the exported graph.
        config (str): Config name for error messages.
    """
    _export(DenseRFCN(detector, config).eval(), example, out, OUTPUT_NAMES,
            config)


def export_backbone_onnx(detector: nn.Module, out: str, example: Tensor,
                         config: str = 'model') -> None:
    """Export ``detector.extract_feat`` (last map) alone, for timing."""

    class Backbone(nn.Module):

        def __init__(self, det: nn.Module) -> None:
            super().__init__()
            self.det = det

        def forward(self, inputs: Tensor) -> Tensor:
            return self.det.extract_feat(inputs)[-1]

    _export(Backbone(detector).eval(), example, out, ['feats'], config)
