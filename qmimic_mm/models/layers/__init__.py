from .capped_nms import capped_nms
from .ps_roi_pool import PSRoIPool, ps_roi_pool
from .strided_max_pool import StridedMaxPool2d
from .tiny_conv import TinyConv2d

__all__ = [
    'PSRoIPool', 'StridedMaxPool2d', 'TinyConv2d', 'capped_nms', 'ps_roi_pool'
]
