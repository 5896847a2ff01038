from .vgg import WidthScaledVGG

__all__ = ['WidthScaledVGG']
