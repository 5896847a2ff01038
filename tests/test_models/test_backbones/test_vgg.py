"""WidthScaledVGG: VGG16 / VGG-1-k widths, strides, freezing, Table 2
variants."""
import pytest
import torch
from mmdet.registry import MODELS

from qmimic_mm.models.backbones import WidthScaledVGG


def _num_params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_vgg16_channel_arithmetic():
    """k=1 is VGG16's conv part: exact widths and the 14,714,688 params of
    conv1_1..conv5_3 (RGB); run only on a tiny image."""
    model = WidthScaledVGG()
    assert model.stage_channels == [64, 128, 256, 512, 512]
    assert model.out_channels == 512
    assert _num_params(model) == 14714688
    with torch.no_grad():
        out, = model(torch.rand(1, 3, 32, 48))
    assert out.shape == (1, 512, 2, 3)


@pytest.mark.parametrize('k, in_channels, widths', [
    (4, 3, [16, 32, 64, 128, 128]),
    (32, 1, [2, 4, 8, 16, 16]),
])
def test_width_divisor_and_stride(k, in_channels, widths):
    model = MODELS.build(
        dict(type='WidthScaledVGG', width_divisor=k,
             in_channels=in_channels, out_indices=(0, 1, 2, 3, 4)))
    model.init_weights()
    assert model.stage_channels == widths
    assert model.out_channels == widths[-1]
    outs = model(torch.rand(2, in_channels, 64, 96))
    assert len(outs) == 5
    for i, out in enumerate(outs):
        stride = 2**i
        assert out.shape == (2, widths[i], 64 // stride, 96 // stride)
        assert (out >= 0).all()  # ReLU outputs


def test_default_output_is_conv5_3_gray():
    model = WidthScaledVGG(width_divisor=32, in_channels=1)
    outs = model(torch.rand(1, 1, 80, 48))
    assert isinstance(outs, tuple) and len(outs) == 1
    assert outs[0].shape == (1, 16, 5, 3)
    # exact standard VGG-1-32 gray size: sum of 9*c_in*c_out + c_out
    assert _num_params(model) == 14514


def test_frozen_stages_and_norm_eval():
    model = WidthScaledVGG(
        width_divisor=32, in_channels=1, frozen_stages=1,
        norm_cfg=dict(type='BN'), norm_eval=True)
    model.train()
    for name in ('stage1', 'stage2'):
        stage = getattr(model, name)
        assert not stage.training
        assert all(not p.requires_grad for p in stage.parameters())
    assert all(p.requires_grad for p in model.stage3.parameters())
    bns = [m for m in model.modules()
           if isinstance(m, torch.nn.BatchNorm2d)]
    assert len(bns) == 13 and all(not bn.training for bn in bns)
    out, = model(torch.rand(1, 1, 32, 32))
    out.sum().backward()
    assert model.stage1[0].conv.weight.grad is None
    assert model.stage3[1].conv.weight.grad is not None


def test_group_and_depthwise_similar_cost():
    """Table 2 baselines: similar parameter count to VGG-1-32."""
    std = WidthScaledVGG(width_divisor=32, in_channels=1)
    group = WidthScaledVGG(width_divisor=32, in_channels=1,
                           conv_type='group')
    dw = WidthScaledVGG(width_divisor=32, in_channels=1,
                        conv_type='depthwise')
    # ceil(sqrt(3) c) rounded up to a multiple of 3 groups
    assert group.stage_channels == [6, 9, 15, 30, 30]
    # ceil(2.5 c)
    assert dw.stage_channels == [5, 10, 20, 40, 40]
    # first conv dense, the others grouped / depthwise + pointwise
    assert group.stage1[0].conv.groups == 1
    assert group.stage1[1].conv.groups == 3
    assert group.stage5[2].conv.groups == 3
    assert dw.stage1[0].conv.groups == 1
    assert dw.stage1[1].depthwise_conv.conv.groups == 5
    assert dw.stage1[1].pointwise_conv.conv.kernel_size == (1, 1)
    n_std = _num_params(std)
    assert 1.1 < _num_params(group) / n_std < 1.3
    assert 0.8 < _num_params(dw) / n_std < 1.0
    x = torch.rand(1, 1, 64, 64)
    assert group(x)[0].shape == (1, 30, 4, 4)
    assert dw(x)[0].shape == (1, 40, 4, 4)


def test_bad_args():
    with pytest.raises(ValueError, match='conv_type'):
        WidthScaledVGG(conv_type='shuffle')
    with pytest.raises(ValueError, match='out_indices'):
        WidthScaledVGG(out_indices=(5, ))
    with pytest.raises(ValueError, match='frozen_stages'):
        WidthScaledVGG(frozen_stages=5)
    with pytest.raises(ValueError, match='width_divisor'):
        WidthScaledVGG(width_divisor=0)
    with pytest.raises(ValueError, match='widen_factor'):
        WidthScaledVGG(widen_factor=2.)


def test_per_layer_channels_of_a_pruned_vgg():
    widths = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    model = WidthScaledVGG(channels=widths, in_channels=1)
    convs = [m.conv for m in model.modules() if hasattr(m, 'conv')]
    assert [c.out_channels for c in convs] == widths
    assert [c.in_channels for c in convs] == [1] + widths[:-1]
    assert model.stage_channels == [3, 5, 8, 11, 14]
    assert model.out_channels == 14
    # the ratio-8 VGG-1-4 widths build VGG-1-32 exactly
    pruned = WidthScaledVGG(channels=[2, 2, 4, 4, 8, 8, 8] + [16] * 6)
    assert _num_params(pruned) == _num_params(WidthScaledVGG(width_divisor=32))
    assert model(torch.zeros(1, 1, 32, 32))[0].shape == (1, 14, 2, 2)
    with pytest.raises(ValueError, match=r'channels must list 13 positive '
                       r'widths \(conv1_1 .. conv5_3\), got 2: \[4, 4\]'):
        WidthScaledVGG(channels=[4, 4])
    with pytest.raises(ValueError, match="channels only applies to "
                       "conv_type 'standard'"):
        WidthScaledVGG(channels=widths, conv_type='group')
