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

The native kernel also wins wherever its im2col column buffer (``C_in *
kh * kw`` rows of ``H_out * W_out`` floats per image) fits in a core's L2
cache (1 MiB here): it then convolves in cache and needs no layout copies.
On the demo student's 2x192x256 batch (1 thread, forward + backward,
median of interleaved runs) conv2_1 (2 -> 4, 96x128) 0.9 vs 1.6 ms, conv3_1
(4 -> 8, 48x64) 0.6 vs 1.0 ms, conv4_1 (8 -> 16, 24x32) 0.4 vs 0.7 ms,
conv5_x (16 -> 16, 12x16) 0.3 vs 0.5 ms channels-last; beyond the cache it
loses (16 -> 16 at 75x125, WIDER's 600x1000 training scale: 8.9 vs 4.1 ms;
conv1_2 of a 768x1024 test image, forward only: 48 vs 8 ms).

:class:`TinyConv2d` therefore convolves a one-channel input, and any input
whose column buffer is at most ``native_max_col_bytes``, with the native
kernel, and every other input channels-last. Batch norm and ReLU are the
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

#: Default ``TinyConv2d.native_max_col_bytes``: the 1 MiB L2 cache per core
#: of the (AMD EPYC) machine the kernels were timed on.
NATIVE_MAX_COL_BYTES = 1 << 20


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
    the native im2col kernel for one input channel or a column buffer that
    fits in cache, oneDNN on channels-last activations otherwise; returns
    (and passes back gradients as) contiguous NCHW tensors.

    Use it through MMCV's ``conv_cfg``::

        ConvModule(2, 2, 3, conv_cfg=dict(type=TinyConv2d))

    Args:
        *args: As :class:`torch.nn.Conv2d`.
        native_max_col_bytes (int): Inputs of more than one channel also
            take the native kernel when its per-image im2col buffer is at
            most this many bytes (see the module doc); 0 keeps them all
            channels-last (oneDNN for every input of more than one channel).
            Defaults to :data:`NATIVE_MAX_COL_BYTES`.
        **kwargs: As :class:`torch.nn.Conv2d`.
    """

    def __init__(self, *args,
                 native_max_col_bytes: int = NATIVE_MAX_COL_BYTES,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if native_max_col_bytes < 0:
            raise ValueError(f'native_max_col_bytes must be >= 0, got '
                             f'{native_max_col_bytes}')
        self.native_max_col_bytes = int(native_max_col_bytes)

    def forward(self, x: Tensor) -> Tensor:
        """Convolve ``x`` (N, C, H, W); return NCHW."""
        if (isinstance(x, torch.fx.Proxy) or torch.jit.is_tracing()
                or torch.onnx.is_in_onnx_export() or not x.is_cpu):
            return super().forward(x)
        if self._native_kernel_applies() and (
                self.in_channels == 1 or self._columns_fit_cache(x)):
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

    def _columns_fit_cache(self, x: Tensor) -> bool:
        """Whether the native kernel's per-image column buffer for ``x`` is
        at most ``native_max_col_bytes``."""
        if x.dim() != 4:
            return False
        kh, kw = self.kernel_size
        h_out = (x.size(2) + 2 * self.padding[0] - kh) // self.stride[0] + 1
        w_out = (x.size(3) + 2 * self.padding[1] - kw) // self.stride[1] + 1
        cols = self.in_channels * kh * kw * h_out * w_out
        return cols * x.element_size() <= self.native_max_col_bytes
