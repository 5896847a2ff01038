from .distill_loss_warmup_hook import DistillLossWarmupHook
from .metric_threshold_visualization_hook import \
    MetricThresholdVisualizationHook

__all__ = ['DistillLossWarmupHook', 'MetricThresholdVisualizationHook']
