"""ONNX export of R-FCN detectors and an ONNX Runtime runner."""
from .dense_rfcn import OUTPUT_NAMES, DenseRFCN
from .onnx_export import BOUNDARIES, export_backbone_onnx, export_onnx
from .ort_detector import (ORTDetector, import_onnxruntime,
                           largest_difference, ort_session)
from .rfcn_graph import DETECTOR_OUTPUT_NAMES, RFCNDetectionGraph
from .torch_graph_detector import CUDAGraphNetwork, TorchGraphDetector

__all__ = [
    'BOUNDARIES', 'CUDAGraphNetwork', 'DETECTOR_OUTPUT_NAMES', 'DenseRFCN',
    'OUTPUT_NAMES', 'ORTDetector', 'RFCNDetectionGraph', 'TorchGraphDetector',
    'export_backbone_onnx',
    'export_onnx', 'import_onnxruntime', 'largest_difference', 'ort_session'
]
