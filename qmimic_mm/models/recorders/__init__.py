from .dense_mimic_regions_recorder import DenseMimicRegionsRecorder
from .training_rois_recorder import TrainingRoIsRecorder

__all__ = ['DenseMimicRegionsRecorder', 'TrainingRoIsRecorder']
