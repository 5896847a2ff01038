from .channel_pruning_hook import ChannelPruningHook
from .distill_loss_warmup_hook import DistillLossWarmupHook

__all__ = ['ChannelPruningHook', 'DistillLossWarmupHook']
