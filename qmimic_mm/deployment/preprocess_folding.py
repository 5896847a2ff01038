"""Folding the data preprocessor's normalisation into the first conv.

mmdet's ``DetDataPreprocessor`` computes ``(x - mean) / std`` over the whole
image and pads it with zeros; the first conv then zero-pads it again. Both
are affine steps in front of a linear layer, so for the exported detector
they fold into that conv (per input channel ``c``)::

    W'[o, c] = W[o, c] / std[c]
    b'[o]    = b[o] - sum_{c, kh, kw} W[o, c, kh, kw] * mean[c] / std[c]

and every padded pixel -- the size-divisor padding and the conv's own --
becomes the raw value whose normalised value is the pad value (``mean``
for a zero pad). What is left of the preprocessor is one ``Pad`` of the raw
image (on uint8 when the pad value is a whole number) and a cast: in ONNX
Runtime, 1 thread, 768x1024 gray, ~0.17 ms instead of ~0.6 ms. The
results equal the unfolded ones to float rounding (the products are
rounded in another order), which :func:`fold_into_first_conv` checks on a probe
image before it commits to the fold.
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.logging import print_log
from torch import Tensor, nn

#: Largest deviation of the folded network's outputs from the unfolded
#: ones on the probe image, relative to the outputs' largest magnitude.
#: Float rounding gives ~1e-6; a network that reads the image anywhere but
#: through the first conv gives O(1).
FOLD_TOLERANCE = 1e-4


def divisor_padding(image: Tensor, divisor: int) -> Tensor:
    """(2,) rows and columns to add at the bottom and right of a (N, C, H,
    W) image to make its height and width multiples of ``divisor``; read
    from the shape at run time in an exported graph."""
    size = torch._shape_as_tensor(image)[2:]
    return (divisor - size % divisor) % divisor


class FoldedImagePreprocess(nn.Module):
    """What remains of the preprocessor once the normalisation is folded
    into the first conv: the raw (1, C, H, W) image padded with the raw
    pad value -- to ``pad_size_divisor`` at the bottom and right, and by the
    first conv's own padding on every side -- then cast to float.

    Args:
        pad_divisor (int): ``pad_size_divisor`` of the preprocessor.
        conv_padding (tuple[int, int]): The first conv's (rows, columns)
            padding, which this module now does.
        pad_value (float): Raw pixel value whose normalised value is the
            preprocessor's pad value (every channel the same).
    """

    def __init__(self, pad_divisor: int, conv_padding: Tuple[int, int],
                 pad_value: float) -> None:
        super().__init__()
        self.pad_divisor = int(pad_divisor)
        self.conv_padding = tuple(int(p) for p in conv_padding)
        self.pad_value = float(pad_value)

    def forward(self, image: Tensor) -> Tensor:
        # uint8 stays uint8 through the pad when the value fits: a quarter
        # of the bytes to write
        whole = (self.pad_value.is_integer() and 0 <= self.pad_value <= 255)
        inputs = image if image.dtype == torch.uint8 and whole \
            else image.float()
        pad_h = pad_w = 0
        if self.pad_divisor > 1:
            pad_h, pad_w = divisor_padding(image, self.pad_divisor)
        ph, pw = self.conv_padding
        inputs = F.pad(inputs, (pw, pw + pad_w, ph, ph + pad_h),
                       value=self.pad_value)
        return inputs.float()


def _probe_image(preprocess: nn.Module, channels: int) -> Tensor:
    """A small random uint8 image whose size is not a multiple of the pad
    divisor, so that both kinds of padding are exercised."""
    size = 3 * max(preprocess.pad_divisor, 8) + 5
    gen = torch.Generator().manual_seed(0)
    return torch.randint(0, 256, (1, channels, size, size + 7),
                         generator=gen, dtype=torch.uint8)


def _image_conv(
    network: nn.Module, inputs: Tensor
) -> Tuple[Optional[Tuple[nn.Module, str, nn.Conv2d]], Tuple[Tensor, ...]]:
    """(parent, attribute, conv) of the one leaf module that reads
    ``inputs`` (the preprocessed image) when ``network`` runs, if that
    module is a plain 2D convolution (else None), and the network's
    outputs of that run."""
    readers = []

    def record(module: nn.Module, args: tuple) -> None:
        if args and args[0] is inputs:
            readers.append(module)

    leaves = [m for m in network.modules() if not any(m.children())]
    handles = [m.register_forward_pre_hook(record) for m in leaves]
    try:
        with torch.no_grad():
            outputs = network(inputs)
    finally:
        for handle in handles:
            handle.remove()
    if len(readers) != 1 or not isinstance(readers[0], nn.Conv2d):
        return None, outputs
    conv = readers[0]
    if (conv.groups != 1 or conv.padding_mode != 'zeros'
            or isinstance(conv.padding, str)):
        return None, outputs
    for parent in network.modules():
        for name, child in parent.named_children():
            if child is conv:
                return (parent, name, conv), outputs
    return None, outputs


def _folded_conv(conv: nn.Conv2d, mean: Tensor, std: Tensor,
                 flip_channels: bool) -> nn.Conv2d:
    """``conv`` applied to ``((x[flip] - mean) / std)``, as a conv on the
    raw ``x`` with no padding of its own (weights in float64, then cast)."""
    weight = conv.weight.detach().double()
    scale = (1. / std.double()).view(1, -1, 1, 1)
    shift = (mean.double() / std.double()).view(1, -1, 1, 1)
    bias = (conv.bias.detach().double() if conv.bias is not None else
            weight.new_zeros(weight.size(0)))
    bias = bias - (weight * shift).sum((1, 2, 3))
    weight = weight * scale
    if flip_channels:  # normalised channel c is raw channel C-1-c
        weight = weight.flip(1)
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size,
                       stride=conv.stride, padding=0, dilation=conv.dilation,
                       bias=True)
    folded.weight.data.copy_(weight.to(conv.weight.dtype))
    folded.bias.data.copy_(bias.to(conv.weight.dtype))
    return folded.to(conv.weight.device)


def fold_into_first_conv(
        network: nn.Module,
        preprocess: nn.Module) -> Optional[FoldedImagePreprocess]:
    """Fold ``preprocess`` (an :class:`~qmimic_mm.deployment.rfcn_graph.
    ImagePreprocess`) into the first conv of ``network``, in place.

    Returns the :class:`FoldedImagePreprocess` that replaces ``preprocess``,
    or None (``network`` untouched) when the fold does not apply: no
    normalisation, per-channel pad values that differ, an image read by
    anything but one plain conv, or outputs that move by more than
    :data:`FOLD_TOLERANCE` on a probe image. ``network`` must be the
    caller's own copy.
    """
    if not preprocess.normalize:
        return None
    mean = preprocess.mean.view(-1)
    std = preprocess.std.view(-1)
    raw_pad = mean + preprocess.pad_value * std
    if not torch.all(raw_pad == raw_pad[0]):
        return None
    probe = _probe_image(preprocess, mean.numel())
    inputs = preprocess(probe)
    found, want = _image_conv(network, inputs)
    if found is None:
        return None
    parent, name, conv = found
    if tuple(conv.padding) != (0, 0) and preprocess.pad_value != 0:
        return None  # the conv's zero padding and the divisor padding
        # would need different raw values
    with torch.no_grad():
        setattr(parent, name, _folded_conv(conv, mean, std,
                                           preprocess.swap_channels))
        folded = FoldedImagePreprocess(preprocess.pad_divisor, conv.padding,
                                       float(raw_pad[0]))
        got = network(folded(probe))
    worst = max(float((g - w).abs().max() / w.abs().max().clamp(min=1e-12))
                for g, w in zip(got, want))
    if worst > FOLD_TOLERANCE:
        setattr(parent, name, conv)
        print_log(f'preprocessing not folded into {name}: outputs moved by '
                  f'{worst:.2e} of their scale', logger='current')
        return None
    return folded
