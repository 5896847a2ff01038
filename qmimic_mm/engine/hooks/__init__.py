from .channel_pruning_hook import ChannelPruningHook
from .distill_loss_warmup_hook import DistillLossWarmupHook
from .metric_threshold_visualization_hook import \
    MetricThresholdVisualizationHook

__all__ = [
    'ChannelPruningHook', 'DistillLossWarmupHook',
    'MetricThresholdVisualizationHook'
]
