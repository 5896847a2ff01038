"""Every config runs with the fault-tolerance hooks (they are
default_hooks, which a config's custom_hooks list cannot replace)."""
import os.path as osp

import pytest
from mmengine.config import Config

from test_all_configs import CONFIGS, REPO

EXPECTED = dict(checkpoint='AtomicCheckpointHook',
                non_finite='NonFiniteLossHook',
                preemption='PreemptionHook',
                random_state='RandomStateHook')


@pytest.mark.parametrize('name', CONFIGS)
def test_config_has_the_fault_tolerance_hooks(name):
    cfg = Config.fromfile(osp.join(REPO, 'configs', name))
    types = {key: hook.get('type') for key, hook in cfg.default_hooks.items()
             if hook is not None}
    for key, hook_type in EXPECTED.items():
        assert types.get(key) == hook_type, (name, key, types.get(key))
