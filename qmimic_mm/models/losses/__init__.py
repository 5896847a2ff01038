from .quant_mimic_loss import QuantMimicLoss, roi_cell_masks

__all__ = ['QuantMimicLoss', 'roi_cell_masks']
