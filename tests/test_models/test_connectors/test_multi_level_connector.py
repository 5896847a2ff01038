"""MultiLevelConnector: one 1x1 adapter per neck level."""
import pytest
import torch
from mmrazor.registry import MODELS

import qmimic_mm.models  # noqa: F401  (registers the project's modules)


def build(**cfg):
    # mmrazor's scope, whatever default scope earlier tests left behind
    return MODELS.build(dict(_scope_='mmrazor', type='MultiLevelConnector',
                             **cfg))


def test_one_adapter_per_level_changes_channels_only():
    connector = build(in_channels=[2, 4], out_channels=8)
    outs = connector((torch.rand(1, 2, 8, 8), torch.rand(1, 4, 4, 4)))
    assert [tuple(o.shape) for o in outs] == [(1, 8, 8, 8), (1, 8, 4, 4)]
    convs = [a.conv_module.conv for a in connector.adapters]
    assert [c.kernel_size for c in convs] == [(1, 1), (1, 1)]
    # no norm and no activation: r is linear, as the R-FCN adapter
    x = torch.rand(1, 2, 3, 3)
    a = connector.adapters[0]
    assert torch.allclose(a(2 * x) - a(x), a(x) - a(torch.zeros_like(x)),
                          atol=1e-6)


def test_level_counts_that_disagree_fail_clearly():
    with pytest.raises(ValueError, match='disagree on the number of levels'):
        build(in_channels=[2, 4], out_channels=[8, 8, 8])
    with pytest.raises(ValueError, match='disagree'):
        build(in_channels=2, out_channels=8)  # ints need num_levels
    connector = build(in_channels=2, out_channels=8, num_levels=3)
    with pytest.raises(ValueError, match='built for 3 levels, got 2 levels'):
        connector((torch.rand(1, 2, 4, 4), torch.rand(1, 2, 2, 2)))
    with pytest.raises(ValueError, match='got one tensor'):
        connector(torch.rand(1, 2, 4, 4))
