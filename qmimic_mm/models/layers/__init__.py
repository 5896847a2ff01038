from .capped_nms import capped_nms
from .ps_roi_pool import PSRoIPool, ps_roi_pool

__all__ = ['PSRoIPool', 'capped_nms', 'ps_roi_pool']
