from .quantized_neck import QuantizedNeck

__all__ = ['QuantizedNeck']
