from .quantization_mimic_distill import QuantizationMimicDistill

__all__ = ['QuantizationMimicDistill']
