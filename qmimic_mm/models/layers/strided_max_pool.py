"""2x2 / stride-2 max pooling as three element-wise maxima (inference).

PyTorch's CPU ``max_pool2d`` always computes the argmax indices and is
slow on the thin, full-resolution maps of a tiny backbone: on VGG-1-32's
pool1 input (1x2x768x1024, 1 thread) it takes 8.0 ms, while the maximum of
the four strided views (``x[..., 0::2, 0::2]``, ``x[..., 0::2, 1::2]``,
...) takes 1.4 ms, and the four pools were a third of the backbone's torch
inference time. The values are the same (a maximum is exact; NaN
propagates in both); only the gradient differs on ties (an element-wise
maximum splits it, max pooling gives it to the first maximum), so the
layer takes the fast path only when no gradient is recorded, and is a
plain :class:`torch.nn.MaxPool2d` in training and while traced (ONNX
export; the FLOP counter, which counts ``max_pool2d``).
"""
import torch
from torch import Tensor, nn


class StridedMaxPool2d(nn.MaxPool2d):
    """:class:`torch.nn.MaxPool2d` (kernel 2, stride 2) whose inference
    forward is the maximum of the four strided 2x2 phases; same output."""

    def __init__(self) -> None:
        super().__init__(kernel_size=2, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        """Max-pool ``x`` (N, C, H, W) by 2; the fast path without
        autograd (odd trailing rows / columns are dropped, as
        ``ceil_mode=False`` does)."""
        if ((torch.is_grad_enabled() and x.requires_grad)
                or torch.jit.is_tracing() or torch.onnx.is_in_onnx_export()
                or x.dim() != 4
                or min(x.shape[-2:]) < 2):  # (its error for too small)
            return super().forward(x)
        h, w = x.shape[-2] // 2 * 2, x.shape[-1] // 2 * 2
        x = x[..., :h, :w]
        return torch.maximum(
            torch.maximum(x[..., 0::2, 0::2], x[..., 0::2, 1::2]),
            torch.maximum(x[..., 1::2, 0::2], x[..., 1::2, 1::2]))
