"""Which exportable graph a detector gets: R-FCN or one-stage dense.

:func:`detection_graph` (the whole detector, ``boundary='detector'``) and
:func:`network_graph` (the convolutions, ``boundary='network'``) pick the
graph by the detector's structure and give one line naming the type and
what is supported otherwise (:data:`SUPPORTED`).
"""
from typing import Tuple

from torch import nn

from qmimic_mm.utils import UserInputError

from .dense_head_graph import DenseHeadDetectionGraph
from .dense_head_network import DenseHeadNetwork, dense_output_names
from .dense_rfcn import OUTPUT_NAMES, DenseRFCN
from .rfcn_graph import RFCNDetectionGraph

#: What the exporter handles, for error messages.
SUPPORTED = ('two-stage R-FCN detectors (RFCNRoIHead: configs/rfcn, '
             'configs/demo) and single-stage dense detectors with mmdet\'s '
             'BaseDenseHead post-processing (RTMDet, RetinaNet: '
             'configs/rtmdet, configs/retinanet)')


def detector_kind(detector: nn.Module, config: str = 'model') -> str:
    """``'rfcn'`` for a two-stage detector (its R-CNN head is checked by
    :class:`~qmimic_mm.deployment.DenseRFCN`), ``'dense'`` for a
    single-stage one (head checked by
    :class:`~qmimic_mm.deployment.DenseHeadNetwork`).

    Raises:
        UserInputError: Neither: one line naming the type and
            :data:`SUPPORTED`.
    """
    if getattr(detector, 'roi_head', None) is not None:
        return 'rfcn'
    if getattr(detector, 'bbox_head', None) is not None:
        return 'dense'
    raise UserInputError(f'{config}: cannot export a '
                         f'{type(detector).__name__}: the ONNX exporter '
                         f'handles {SUPPORTED}')


def detection_graph(detector: nn.Module, config: str = 'model',
                    fold_preprocess: bool = False) -> nn.Module:
    """The whole-detector graph of ``detector`` (image in; boxes, scores,
    labels out): :class:`~qmimic_mm.deployment.RFCNDetectionGraph` or
    :class:`~qmimic_mm.deployment.DenseHeadDetectionGraph`."""
    graph = (RFCNDetectionGraph if detector_kind(detector, config) == 'rfcn'
             else DenseHeadDetectionGraph)
    return graph(detector, config, fold_preprocess)


def network_graph(detector: nn.Module, config: str = 'model'
                  ) -> Tuple[nn.Module, Tuple[str, ...]]:
    """The convolutions of ``detector`` (preprocessed image in, raw maps
    out) and their output names: :class:`~qmimic_mm.deployment.DenseRFCN`
    with :data:`~qmimic_mm.deployment.OUTPUT_NAMES`, or
    :class:`~qmimic_mm.deployment.DenseHeadNetwork` with
    :func:`~qmimic_mm.deployment.dense_head_network.dense_output_names`."""
    if detector_kind(detector, config) == 'rfcn':
        return DenseRFCN(detector, config), OUTPUT_NAMES
    network = DenseHeadNetwork(detector, config)
    return network, dense_output_names(network.num_levels)
