"""ONNX export of R-FCN and one-stage dense detectors and an ONNX Runtime
runner."""
from .dense_head_graph import DenseHeadDetectionGraph
from .dense_head_network import DenseHeadNetwork, dense_output_names
from .dense_rfcn import OUTPUT_NAMES, DenseRFCN
from .detector_graphs import (SUPPORTED, detection_graph, detector_kind,
                              network_graph)
from .onnx_export import BOUNDARIES, export_backbone_onnx, export_onnx
from .ort_detector import (ORTDetector, import_onnxruntime,
                           largest_difference, ort_session)
from .rfcn_graph import DETECTOR_OUTPUT_NAMES, RFCNDetectionGraph
from .torch_graph_detector import CUDAGraphNetwork, TorchGraphDetector

__all__ = [
    'BOUNDARIES', 'CUDAGraphNetwork', 'DETECTOR_OUTPUT_NAMES',
    'DenseHeadDetectionGraph', 'DenseHeadNetwork', 'DenseRFCN',
    'OUTPUT_NAMES', 'ORTDetector', 'RFCNDetectionGraph', 'SUPPORTED',
    'TorchGraphDetector', 'dense_output_names', 'detection_graph',
    'detector_kind', 'export_backbone_onnx', 'export_onnx',
    'import_onnxruntime', 'largest_difference', 'network_graph',
    'ort_session'
]
