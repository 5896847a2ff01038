"""The data preprocessor's normalisation folded into the first conv."""
import pytest
import torch
from mmdet.models.data_preprocessors import DetDataPreprocessor
from torch import nn

from qmimic_mm.analysis.flops import synthetic_batch
from qmimic_mm.deployment import RFCNDetectionGraph, export_onnx
from qmimic_mm.deployment.preprocess_folding import (FoldedImagePreprocess,
                                                     fold_into_first_conv)
from qmimic_mm.deployment.rfcn_graph import ImagePreprocess
from test_onnx_export import STUDENT, seeded_student


def relative_error(got, want) -> float:
    return max(float((g - w).abs().max() / w.abs().max())
               for g, w in zip(got, want))


def network_outputs(graph: RFCNDetectionGraph, image: torch.Tensor):
    with torch.no_grad():
        return graph.network(graph.preprocess(image))


@pytest.mark.parametrize('shape', [(160, 224), (201, 310)])
def test_folded_network_equals_unfolded(shape):
    """Equal to float rounding, with and without size-divisor padding (310
    and 201 are not multiples of 16), and the caller's model untouched."""
    model = seeded_student()
    first_conv = model.backbone.stage1[0].conv
    weight = first_conv.weight.detach().clone()
    folded = RFCNDetectionGraph(model, fold_preprocess=True).eval()
    plain = RFCNDetectionGraph(model).eval()
    assert isinstance(folded.preprocess, FoldedImagePreprocess)
    assert folded.preprocess.pad_value == 117.  # mean: normalised 0
    image = synthetic_batch(model, shape, seed=3)['inputs'][0][None]
    assert image.dtype == torch.uint8
    got = network_outputs(folded, image)
    want = network_outputs(plain, image)
    assert [g.shape for g in got] == [w.shape for w in want]
    assert relative_error(got, want) < 1e-5
    # the fold rewrote a copy
    assert model.backbone.stage1[0].conv is first_conv
    assert torch.equal(first_conv.weight, weight)
    assert first_conv.padding == (1, 1)


def test_uint8_and_float_images_give_the_same_padded_input():
    pre = FoldedImagePreprocess(16, (1, 1), 117.)
    image = torch.randint(0, 256, (1, 1, 20, 35), dtype=torch.uint8)
    padded = pre(image)
    assert padded.dtype == torch.float32
    assert padded.shape == (1, 1, 32 + 2, 48 + 2)
    assert torch.equal(padded, pre(image.float()))
    assert torch.equal(padded[0, 0, 1:21, 1:36], image[0, 0].float())
    assert (padded[0, 0, 21:] == 117).all() and (padded[0, 0, 0] == 117).all()


def test_rgb_swap_and_per_channel_std_fold():
    """Three channels with a BGR -> RGB swap: the swap and the per-channel
    std go into the weights."""
    model = seeded_student(STUDENT, {
        'model.backbone.in_channels': 3,
        'model.data_preprocessor.mean': [110., 110., 110.],
        'model.data_preprocessor.std': [58., 40., 70.],
        'model.data_preprocessor.bgr_to_rgb': True})
    image = torch.randint(0, 256, (1, 3, 70, 90), dtype=torch.uint8,
                          generator=torch.Generator().manual_seed(0))
    folded = RFCNDetectionGraph(model, fold_preprocess=True).eval()
    assert isinstance(folded.preprocess, FoldedImagePreprocess)
    got = network_outputs(folded, image)
    want = network_outputs(RFCNDetectionGraph(model).eval(), image)
    assert relative_error(got, want) < 1e-5


def preprocess_of(**kwargs) -> ImagePreprocess:
    cfg = dict(mean=[117.], std=[58.], pad_size_divisor=16)
    cfg.update(kwargs)
    return ImagePreprocess(DetDataPreprocessor(**cfg))


class TwoReaders(nn.Module):
    """The image goes into two convs."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(1, 2, 3, padding=1)
        self.b = nn.Conv2d(1, 2, 3, padding=1)

    def forward(self, x):
        return (self.a(x) + self.b(x), )


class ReadsImageFunctionally(nn.Module):
    """One conv reads the image, and so does an op no hook sees."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)

    def forward(self, x):
        return (self.conv(x) + x.mean(), )


@pytest.mark.parametrize('network,preprocess', [
    (TwoReaders, preprocess_of()),
    (ReadsImageFunctionally, preprocess_of()),
    (lambda: nn.Sequential(nn.Conv2d(3, 2, 3, padding=1)),
     preprocess_of(mean=[100., 110., 120.], std=[1., 1., 1.])),
    (lambda: nn.Sequential(nn.Conv2d(1, 2, 3, padding=1)),
     preprocess_of(pad_value=5)),
    (lambda: nn.Sequential(nn.Conv2d(1, 2, 3, padding=1)),
     preprocess_of(mean=None, std=None)),
])
def test_fold_declines_and_leaves_the_network(network, preprocess):
    """Not foldable: the image read twice or outside a module, per-channel
    pad values that differ, a non-zero pad value before a padded conv, no
    normalisation. The network is left as it was."""
    net = network()
    before = [p.detach().clone() for p in net.parameters()]
    modules = list(net.modules())
    assert fold_into_first_conv(net, preprocess) is None
    assert list(net.modules()) == modules
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))


def test_a_plain_first_conv_folds():
    net = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU())
    preprocess = preprocess_of()
    image = torch.randint(0, 256, (1, 1, 21, 30), dtype=torch.uint8)
    with torch.no_grad():
        want = net(preprocess(image))
        folded = fold_into_first_conv(net, preprocess)
        got = net(folded(image))
    assert net[0].padding == (0, 0) and net[0].bias is not None
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_export_folds_by_default(tmp_path):
    """The exported graph's preprocessing no longer divides by std;
    fold_preprocess=False keeps the division."""
    import onnx
    model = seeded_student()
    image = synthetic_batch(model, (96, 128), seed=1)['inputs'][0][None]
    ops = {}
    for fold in (True, False):
        out = str(tmp_path / f'fold{fold}.onnx')
        export_onnx(model, out, image, 'student', fold_preprocess=fold)
        ops[fold] = {n.op_type for n in onnx.load(out).graph.node
                     if n.name.startswith('/preprocess/')}
    assert 'Div' not in ops[True]
    assert 'Div' in ops[False]
