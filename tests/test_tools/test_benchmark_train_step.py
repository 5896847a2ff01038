"""tools/analysis_tools/benchmark_train_step.py: variants parsed as
--cfg-options, built from one seed, timed interleaved on toy WIDER data."""

import pytest

from qmimic_mm.utils import UserInputError
from toy_configs import load_tool, write_wider_toy_config

tool = load_tool('tools/analysis_tools/benchmark_train_step.py',
                 'benchmark_train_step')


def test_parse_variant():
    assert tool.parse_variant(['after']) == ('after', {})
    name, opts = tool.parse_variant(
        ['before', 'model.backbone.tiny_conv_stages=()', 'a.b=[1,2]'])
    assert name == 'before'
    assert opts == {'model.backbone.tiny_conv_stages': (),
                    'a.b': [1, 2]}
    with pytest.raises(UserInputError, match='--variant x'):
        tool.parse_variant(['x', 'no_equals_sign'])


def test_run_times_each_variant_interleaved(tmp_path):
    from projects.qmimic_demo.qmimic_demo.demo_faces import (
        DemoFacesConfig, make_demo_faces)
    root = str(tmp_path / 'faces') + '/'
    make_demo_faces(root, DemoFacesConfig(num_train=6, num_val=3, num_test=3,
                                          seed=0), progress=False)
    cfg = write_wider_toy_config(str(tmp_path / 'student.py'),
                                 'demo/rfcn_vgg1-32_demo.py', root)
    variants = [('before', {'model.backbone.tiny_conv_stages': ()}),
                ('after', {})]
    times = tool.run(cfg, variants, steps=2, warmup=1)
    assert list(times) == ['before', 'after']
    for name, values in times.items():
        assert len(values) == 2, name
        assert all(0 < t < 60 for t in values), name
