from .capped_nms_rpn_head import CappedNMSRPNHead

__all__ = ['CappedNMSRPNHead']
