"""A 2-D convolution whose CPU kernel suits the 1-16 channel layers of a
tiny backbone (VGG-1-32).

PyTorch sends every float CPU convolution to oneDNN, in the layout of its
input. At VGG-1-32's widths that choice is slow where most of the
training step's convolution time goes, the full-resolution 1-4 channel
layers (1 thread, a 2x192x256 batch, forward + backward):

* conv1_2 (2 -> 2 channels): oneDNN NCHW 12.9 ms, oneDNN channels-last
  (NHWC) 2.5 ms;
* conv1_1 (1 -> 2 channels, gray image, weight gradient only): oneDNN
  2.5 ms, PyTorch's native im2col kernel (``thnn_conv2d``) 0.85 ms.

:class:`TinyConv2d` therefore convolves a one-channel input with the native
kernel and every other input channels-last. Batch norm and ReLU are the
other way round at these widths (NHWC vectorises over the channels: batch
norm 4.5 vs 0.6 ms forward + backward at 2 channels), so only the conv runs
channels-last: its input is made NHWC and its output NCHW again, and the
gradients cross the same borders the other way (the conv receives an NHWC
gradient, the layer before it an NCHW one).

The layer computes the same function as :class:`torch.nn.Conv2d` (same
parameters and state dict; results equal up to float rounding of the
summation order). Off the CPU, while traced (ONNX export; the FLOP
counter, which must see ``aten::_convolution``; ``torch.fx``, e.g.
MMRazor's channel analysis) and for settings the
native kernel lacks (groups, dilation, non-zero padding modes) it is a
plain ``Conv2d``.
"""
from typing import Any, Tuple

import torch
from torch import Tensor, nn


class _ToLayout(torch.autograd.Function):
    """``x`` in memory format ``forward_format``; its gradient in
    ``backward_format`` (the layout the layer before it works in)."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, forward_format: torch.memory_format,
                backward_format: torch.memory_format) -> Tensor:
        ctx.backward_format = backward_format
        return x.contiguous(memory_format=forward_format)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tuple[Tensor, None, None]:
        return grad.contiguous(memory_format=ctx.backward_format), None, None


class TinyConv2d(nn.Conv2d):
    """:class:`torch.nn.Conv2d` with the CPU kernel picked for tiny widths:
    the native im2col kernel for one input channel, oneDNN on channels-last
    activations otherwise; returns (and passes back gradients as)
    contiguous NCHW tensors.

    Use it through MMCV's ``conv_cfg``::

        ConvModule(2, 2, 3, conv_cfg=dict(type=TinyConv2d))
    """

    def forward(self, x: Tensor) -> Tensor:
        """Convolve ``x`` (N, C, H, W); return NCHW."""
        if (isinstance(x, torch.fx.Proxy) or torch.jit.is_tracing()
                or torch.onnx.is_in_onnx_export() or not x.is_cpu):
            return super().forward(x)
        if self.in_channels == 1 and self._native_kernel_applies():
            return torch._C._nn.thnn_conv2d(x.contiguous(), self.weight,
                                            list(self.kernel_size),
                                            self.bias, list(self.stride),
                                            list(self.padding))
        nhwc, nchw = torch.channels_last, torch.contiguous_format
        out = super().forward(_ToLayout.apply(x, nhwc, nchw))
        return _ToLayout.apply(out, nchw, nhwc)

    def _native_kernel_applies(self) -> bool:
        """Whether ``thnn_conv2d`` computes this layer (dense, undilated,
        explicit zero padding)."""
        return (self.groups == 1 and self.dilation == (1, 1)
                and self.padding_mode == 'zeros'
                and not isinstance(self.padding, str))
