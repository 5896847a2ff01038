from .gray_cspnext import GrayCSPNeXt
from .vgg import WidthScaledVGG

__all__ = ['GrayCSPNeXt', 'WidthScaledVGG']
