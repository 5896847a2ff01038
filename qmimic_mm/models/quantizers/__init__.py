from .base_quantizer import FeatureQuantizer
from .power_of_two_quantizer import PowerOfTwoQuantizer
from .uniform_quantizer import UniformQuantizer

__all__ = ['FeatureQuantizer', 'UniformQuantizer', 'PowerOfTwoQuantizer']
