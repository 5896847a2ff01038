from .ps_roi_pool import PSRoIPool, ps_roi_pool

__all__ = ['PSRoIPool', 'ps_roi_pool']
