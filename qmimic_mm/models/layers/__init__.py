from .capped_nms import capped_nms
from .ps_roi_pool import PSRoIPool, ps_roi_pool
from .strided_max_pool import strided_max_pool2d, strided_pool_applies
from .tiny_conv import TinyConv2d

__all__ = [
    'PSRoIPool', 'TinyConv2d', 'capped_nms', 'ps_roi_pool',
    'strided_max_pool2d', 'strided_pool_applies'
]
