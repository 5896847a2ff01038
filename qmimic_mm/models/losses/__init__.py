from .dense_regions import (REGION_MODES, MimicRegions, box_region_mask,
                            fine_grained_masks)
from .multi_level_quant_mimic_loss import MultiLevelQuantMimicLoss
from .quant_mimic_loss import QuantMimicLoss
from .roi_cells import RoICells, align_to_teacher, roi_cell_masks

__all__ = [
    'MimicRegions', 'MultiLevelQuantMimicLoss', 'QuantMimicLoss',
    'REGION_MODES', 'RoICells', 'align_to_teacher', 'box_region_mask',
    'fine_grained_masks', 'roi_cell_masks'
]
