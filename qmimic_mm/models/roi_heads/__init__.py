from .rfcn_bbox_head import RFCNBBoxHead
from .rfcn_roi_head import RFCNRoIHead

__all__ = ['RFCNBBoxHead', 'RFCNRoIHead']
