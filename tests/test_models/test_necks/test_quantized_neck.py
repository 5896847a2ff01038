"""QuantizedNeck: an mmdet neck with one calibrated quantizer per output."""
import pytest
import torch
from mmdet.registry import MODELS

import qmimic_mm.models  # noqa: F401  (registers the project's modules)


def _neck(**quantizer):
    return MODELS.build(dict(
        type='QuantizedNeck', num_levels=3,
        neck=dict(type='FPN', in_channels=[4, 8, 16], out_channels=4,
                  num_outs=3),
        quantizer=dict(type='UniformQuantizer', **quantizer)))


def _inputs():
    torch.manual_seed(0)
    return (torch.rand(1, 4, 16, 16), torch.rand(1, 8, 8, 8),
            torch.rand(1, 16, 4, 4))


def test_each_level_calibrates_its_own_stride_and_checkpoints_it():
    neck = _neck(levels=40, calib_batches=1, signed=True)
    neck.train()
    outs = neck(_inputs())
    assert len(outs) == 3
    strides = [q.stride for q in neck.quantizers]
    assert len(set(strides)) == 3  # three levels, three scales
    for out, stride in zip(outs, strides):  # every value on its dictionary
        steps = out / stride
        assert torch.allclose(steps, steps.round(), atol=1e-4)
    restored = _neck(levels=40, calib_batches=1, signed=True)
    restored.load_state_dict(neck.state_dict())
    restored.eval()
    assert [q.stride for q in restored.quantizers] == strides
    for a, b in zip(restored(_inputs()), neck.eval()(_inputs())):
        assert torch.equal(a, b)


def test_output_count_that_does_not_match_names_the_key():
    with pytest.raises(ValueError, match='num_levels must be an integer'):
        MODELS.build(dict(type='QuantizedNeck', num_levels=0,
                          neck=dict(type='FPN', in_channels=[4],
                                    out_channels=4, num_outs=1),
                          quantizer=dict(type='UniformQuantizer')))
    neck = MODELS.build(dict(
        type='QuantizedNeck', num_levels=2,
        neck=dict(type='FPN', in_channels=[4, 8, 16], out_channels=4,
                  num_outs=3),
        quantizer=dict(type='UniformQuantizer')))
    with pytest.raises(ValueError, match='set `num_levels` to 3'):
        neck(_inputs())


def test_the_fp_neck_checkpoint_loads_into_the_quantized_neck():
    """The quantized neck keeps the neck's parameter names: only the
    quantizers' scales are new (what a finetune's load_from relies on)."""
    fp = MODELS.build(dict(type='FPN', in_channels=[4, 8, 16],
                           out_channels=4, num_outs=3))
    quantized = _neck(levels=40)
    missing, unexpected = quantized.load_state_dict(fp.state_dict(),
                                                    strict=False)
    assert unexpected == []
    assert missing and all(k.startswith('quantizers.') for k in missing)
    assert type(quantized).__name__ == 'QuantizedFPN'
    assert isinstance(quantized, type(fp))
