from .quant_mimic_loss import QuantMimicLoss
from .roi_cells import RoICells, align_to_teacher, roi_cell_masks

__all__ = ['QuantMimicLoss', 'RoICells', 'align_to_teacher', 'roi_cell_masks']
