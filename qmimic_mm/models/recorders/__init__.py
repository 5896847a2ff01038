from .training_rois_recorder import TrainingRoIsRecorder

__all__ = ['TrainingRoIsRecorder']
