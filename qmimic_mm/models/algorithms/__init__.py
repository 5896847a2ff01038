from .channel_pruning_algorithm import ChannelPruningAlgorithm
from .lasso_channel_prune_algorithm import LassoChannelPruneAlgorithm
from .quantization_mimic_distill import QuantizationMimicDistill
from .taylor_prune_algorithm import TaylorPruneAlgorithm

__all__ = [
    'ChannelPruningAlgorithm', 'LassoChannelPruneAlgorithm',
    'QuantizationMimicDistill', 'TaylorPruneAlgorithm'
]
