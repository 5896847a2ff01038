"""Export an R-FCN or a one-stage dense detector to ONNX.

Two boundaries (``export_onnx(..., boundary=...)``):

* ``'detector'`` (default): the whole detector for one image,
  :class:`~qmimic_mm.deployment.RFCNDetectionGraph` or, for a single-stage
  detector (RTMDet, RetinaNet), :class:`~qmimic_mm.deployment.
  DenseHeadDetectionGraph` -- raw image in, boxes, scores and labels out,
  every step in standard ONNX ops (the NMS is ONNX's
  ``NonMaxSuppression``). A device needs ONNX Runtime and nothing else.
* ``'network'``: only the convolutions, :class:`~qmimic_mm.deployment.
  DenseRFCN` (the four raw R-FCN maps) or :class:`~qmimic_mm.deployment.
  DenseHeadNetwork` (each level's class and box maps) -- preprocessed image
  in, raw maps out; the runner (:class:`~qmimic_mm.deployment.ORTDetector`)
  does the rest with the detector's PyTorch code. For profiling the network
  alone, or for post-processing of one's own.

Why not mmdeploy 1.3.1: it pins ``protobuf<=3.20.2`` (onnx 1.23 needs a
newer one), ships custom ops built for onnxruntime 1.15, rewrites torch 1.x
ONNX internals (``torch.onnx.utils._model_to_graph``) and has no R-FCN /
PS-RoI support. Plain ``torch.onnx.export`` (TorchScript exporter, opset
17; the dynamo exporter would need ``onnxscript``) covers both boundaries
with standard ONNX ops.
"""
import re
import warnings
from typing import Dict, Sequence, Tuple

import torch
from torch import Tensor, nn

from qmimic_mm.utils import UserInputError

from .detector_graphs import detection_graph, network_graph
from .rfcn_graph import DETECTOR_OUTPUT_NAMES

#: ONNX opset used.
OPSET = 17
#: Export boundaries of :func:`export_onnx`.
BOUNDARIES = ('detector', 'network')


def _export(module: nn.Module, example: Tensor, out: str, input_name: str,
            output_names: Sequence[str], axes: Dict[str, Dict[int, str]],
            config: str) -> None:
    """``torch.onnx.export`` with the given dynamic axes; failures become
    one :class:`UserInputError` naming the op and the config."""
    try:
        # the tracer warns about every Python branch and size it records;
        # the graph is tested against PyTorch instead
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter('ignore')
            torch.onnx.export(
                module, (example, ), out, dynamo=False, opset_version=OPSET,
                input_names=[input_name], output_names=list(output_names),
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


def preprocessed(detector: nn.Module, image: Tensor) -> Tensor:
    """``image`` (N, C, H, W) through the detector's data preprocessor."""
    with torch.no_grad():
        return detector.data_preprocessor(dict(inputs=list(image)),
                                          False)['inputs']


def export_onnx(detector: nn.Module,
                out: str,
                image: Tensor,
                config: str = 'model',
                boundary: str = 'detector',
                fold_preprocess: bool = True) -> None:
    """Export ``detector`` (eval mode) to the ONNX file ``out``.

    Args:
        detector (nn.Module): The detector: R-FCN or single-stage dense
            (:data:`~qmimic_mm.deployment.detector_graphs.SUPPORTED`).
        out (str): Path of the ``.onnx`` file.
        image (Tensor): An image to trace with, (1, C, H, W) as the data
            preprocessor receives it (e.g. uint8); height and width are
            dynamic in the exported graph.
        config (str): Config name for error messages.
        boundary (str): ``'detector'`` (input ``image``, outputs
            :data:`DETECTOR_OUTPUT_NAMES`) or ``'network'`` (input
            ``inputs``, the preprocessed batch; outputs
            :data:`~qmimic_mm.deployment.OUTPUT_NAMES` for R-FCN,
            ``cls_score_<level>``..., ``bbox_pred_<level>``... for a
            single-stage detector). Defaults to ``'detector'``.
        fold_preprocess (bool): With ``boundary='detector'``, fold the
            normalisation into the first conv (see
            :class:`~qmimic_mm.deployment.RFCNDetectionGraph`). Defaults
            to True.

    Raises:
        UserInputError: A detector type the exporter does not handle, a
            test config without an ONNX form, or an op that does not
            export: one line each.
    """
    if boundary not in BOUNDARIES:
        raise UserInputError(f'boundary must be one of {BOUNDARIES}, got '
                             f'{boundary!r}')
    if boundary == 'network':
        network, names = network_graph(detector, config)
        axes = {'inputs': {0: 'batch', 2: 'height', 3: 'width'}}
        # one-stage levels have sizes of their own
        axes.update({name: {0: 'batch', 2: f'feat_height_{name}',
                            3: f'feat_width_{name}'} for name in names})
        _export(network.eval(), preprocessed(detector, image), out,
                'inputs', names, axes, config)
        return
    if image.dim() != 4 or image.size(0) != 1:
        raise UserInputError(f'the detector graph takes one image (1, C, H, '
                             f'W), got shape {tuple(image.shape)}')
    axes = {'image': {2: 'height', 3: 'width'}}
    axes.update({name: {0: 'detections'} for name in DETECTOR_OUTPUT_NAMES})
    graph = detection_graph(detector, config, fold_preprocess)
    _export(graph.eval(), image, out,
            'image', DETECTOR_OUTPUT_NAMES, axes, config)


def export_backbone_onnx(detector: nn.Module, out: str, example: Tensor,
                         config: str = 'model') -> None:
    """Export ``detector.extract_feat`` (backbone, and neck where there is
    one: every level it outputs, ``feats`` or ``feats_<level>``) of a
    preprocessed (N, C, H, W) batch alone, for timing."""

    class Backbone(nn.Module):

        def __init__(self, det: nn.Module) -> None:
            super().__init__()
            self.det = det

        def forward(self, inputs: Tensor) -> Tuple[Tensor, ...]:
            return tuple(self.det.extract_feat(inputs))

    with torch.no_grad():
        levels = len(detector.extract_feat(example))
    names = (['feats'] if levels == 1 else
             [f'feats_{i}' for i in range(levels)])
    _export(Backbone(detector).eval(), example, out, 'inputs', names,
            {'inputs': {0: 'batch', 2: 'height', 3: 'width'}}, config)
