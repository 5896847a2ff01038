"""Channel pruning baselines of the paper's Table 2 on MMRazor's channel
mutator: Molchanov et al.'s Taylor criterion and He et al.'s LASSO channel
selection with least-squares reconstruction."""
from .budget import channel_targets, step_targets
from .export import pruned_model_cfg, pruned_widths, to_static_detector
from .feature_path import (DetectorFeaturePath, build_channel_mutator,
                           consumer_convs, producer_convs, unit_key)
from .lasso_channel_selection import (channel_contributions,
                                      lasso_select_channels)
from .least_squares import reconstruct_weights
from .reconstruction_pruner import (ReconstructionChannelPruner,
                                    sample_conv_points)
from .taylor_criterion import TaylorCriterion, taylor_scores

__all__ = [
    'channel_targets', 'step_targets', 'pruned_model_cfg', 'pruned_widths',
    'to_static_detector', 'DetectorFeaturePath', 'build_channel_mutator',
    'consumer_convs', 'producer_convs', 'unit_key', 'channel_contributions',
    'lasso_select_channels', 'reconstruct_weights',
    'ReconstructionChannelPruner', 'sample_conv_points', 'TaylorCriterion',
    'taylor_scores'
]
