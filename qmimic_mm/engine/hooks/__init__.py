from .atomic_checkpoint_hook import AtomicCheckpointHook
from .channel_pruning_hook import ChannelPruningHook
from .distill_loss_warmup_hook import DistillLossWarmupHook
from .metric_threshold_visualization_hook import \
    MetricThresholdVisualizationHook
from .non_finite_loss_hook import NonFiniteError, NonFiniteLossHook
from .preemption_hook import PREEMPTED_EXIT_CODE, PreemptionHook
from .random_state_hook import RandomStateHook

__all__ = [
    'AtomicCheckpointHook', 'ChannelPruningHook', 'DistillLossWarmupHook',
    'MetricThresholdVisualizationHook', 'NonFiniteError', 'NonFiniteLossHook',
    'PREEMPTED_EXIT_CODE', 'PreemptionHook', 'RandomStateHook'
]
