"""ONNX export of R-FCN detectors and an ONNX Runtime runner."""
from .onnx_export import (OUTPUT_NAMES, DenseRFCN, export_backbone_onnx,
                          export_onnx)
from .ort_detector import ORTDetector, import_onnxruntime

__all__ = [
    'DenseRFCN', 'OUTPUT_NAMES', 'ORTDetector', 'export_backbone_onnx',
    'export_onnx', 'import_onnxruntime'
]
