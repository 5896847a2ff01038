"""ONNX export of R-FCN detectors and an ONNX Runtime runner."""
from .dense_rfcn import OUTPUT_NAMES, DenseRFCN
from .onnx_export import BOUNDARIES, export_backbone_onnx, export_onnx
from .ort_detector import ORTDetector, import_onnxruntime, ort_session
from .rfcn_graph import DETECTOR_OUTPUT_NAMES, RFCNDetectionGraph

__all__ = [
    'BOUNDARIES', 'DETECTOR_OUTPUT_NAMES', 'DenseRFCN', 'OUTPUT_NAMES',
    'ORTDetector', 'RFCNDetectionGraph', 'export_backbone_onnx',
    'export_onnx', 'import_onnxruntime', 'ort_session'
]
