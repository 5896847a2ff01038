from .quantized_neck import (QuantizedNeck, build_quantized_neck,
                             quantized_neck_class)

__all__ = ['QuantizedNeck', 'build_quantized_neck', 'quantized_neck_class']
