"""Export an R-FCN detector to ONNX.

Two boundaries (``export_onnx(..., boundary=...)``):

* ``'detector'`` (default): the whole detector for one image,
  :class:`~qmimic_mm.deployment.RFCNDetectionGraph` -- raw image in, boxes,
  scores and labels out, every step in standard ONNX ops (the NMS is ONNX's
  ``NonMaxSuppression``). A device needs ONNX Runtime and nothing else.
* ``'network'``: only the convolutions, :class:`~qmimic_mm.deployment.
  DenseRFCN` -- preprocessed image in, the four raw maps out; the runner
  (:class:`~qmimic_mm.deployment.ORTDetector`) does the rest with the
  project's PyTorch code. For profiling the network alone, or for
  post-processing of one's own.

Why not mmdeploy 1.3.1: it pins ``protobuf<=3.20.2`` (onnx 1.23 needs a
newer one), ships custom ops built for onnxruntime 1.15, rewrites torch 1.x
ONNX internals (``torch.onnx.utils._model_to_graph``) and has no R-FCN /
PS-RoI support. Plain ``torch.onnx.export`` (TorchScript exporter, opset
17; the dynamo exporter would need ``onnxscript``) covers both boundaries
with standard ONNX ops.
"""
import re
import warnings
from typing import Dict, Sequence

import torch
from torch import Tensor, nn

from qmimic_mm.utils import UserInputError

from .dense_rfcn import OUTPUT_NAMES, DenseRFCN
from .rfcn_graph import DETECTOR_OUTPUT_NAMES, RFCNDetectionGraph

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
        detector (nn.Module): The R-FCN detector.
        out (str): Path of the ``.onnx`` file.
        image (Tensor): An image to trace with, (1, C, H, W) as the data
            preprocessor receives it (e.g. uint8); height and width are
            dynamic in the exported graph.
        config (str): Config name for error messages.
        boundary (str): ``'detector'`` (input ``image``, outputs
            :data:`DETECTOR_OUTPUT_NAMES`) or ``'network'`` (input
            ``inputs``, the preprocessed batch; outputs
            :data:`OUTPUT_NAMES`). Defaults to ``'detector'``.
        fold_preprocess (bool): With ``boundary='detector'``, fold the
            normalisation into the first conv (see
            :class:`RFCNDetectionGraph`). Defaults to True.
    """
    if boundary not in BOUNDARIES:
        raise UserInputError(f'boundary must be one of {BOUNDARIES}, got '
                             f'{boundary!r}')
    if boundary == 'network':
        axes = {'inputs': {0: 'batch', 2: 'height', 3: 'width'}}
        axes.update({name: {0: 'batch', 2: 'feat_height', 3: 'feat_width'}
                     for name in OUTPUT_NAMES})
        _export(DenseRFCN(detector, config).eval(),
                preprocessed(detector, image), out, 'inputs', OUTPUT_NAMES,
                axes, config)
        return
    if image.dim() != 4 or image.size(0) != 1:
        raise UserInputError(f'the detector graph takes one image (1, C, H, '
                             f'W), got shape {tuple(image.shape)}')
    axes = {'image': {2: 'height', 3: 'width'}}
    axes.update({name: {0: 'detections'} for name in DETECTOR_OUTPUT_NAMES})
    graph = RFCNDetectionGraph(detector, config, fold_preprocess)
    _export(graph.eval(), image, out,
            'image', DETECTOR_OUTPUT_NAMES, axes, config)


def export_backbone_onnx(detector: nn.Module, out: str, example: Tensor,
                         config: str = 'model') -> None:
    """Export ``detector.extract_feat`` (last map) of a preprocessed
    (N, C, H, W) batch alone, for timing."""

    class Backbone(nn.Module):

        def __init__(self, det: nn.Module) -> None:
            super().__init__()
            self.det = det

        def forward(self, inputs: Tensor) -> Tensor:
            return self.det.extract_feat(inputs)[-1]

    _export(Backbone(detector).eval(), example, out, 'inputs', ['feats'],
            {'inputs': {0: 'batch', 2: 'height', 3: 'width'}}, config)
