"""Shared machinery of the feature quantizers (Quantization Mimic Sec. 3.1)."""
from abc import abstractmethod
from typing import Optional, Sequence, Union

import torch
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector

Features = Union[torch.Tensor, Sequence[torch.Tensor]]


class _StraightThrough(torch.autograd.Function):
    """Forward: the quantized values; backward: the full-precision gradient.

    The paper (Sec. 3.1, after BNN) passes the upstream gradient unchanged;
    a quantized gradient made the student fail to converge.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, quantized: torch.Tensor
                ) -> torch.Tensor:  # type: ignore[override]
        return quantized

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        return grad, None


class FeatureQuantizer(BaseConnector):
    """Base class: element-wise ``Q`` with a straight-through backward.

    One module serves three roles: an MMRazor connector (called on the
    recorded tensor), a loss-side quantizer inside ``QuantMimicLoss``, and an
    MMDetection neck quantizing the last feature activation of a detector
    (called on the backbone's tuple of maps; returns a tuple).

    Subclasses implement :meth:`quantize` on a detached tensor.
    """

    def __init__(self, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)

    @abstractmethod
    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        """Map every element to its dictionary entry (no autograd)."""

    def forward_train(self, feature: Features) -> Features:  # type: ignore
        """Quantize a tensor, or each tensor of a tuple/list (neck use)."""
        if isinstance(feature, torch.Tensor):
            with torch.no_grad():
                quantized = self.quantize(feature)
            return _StraightThrough.apply(feature, quantized)
        return tuple(self.forward_train(f) for f in feature)

    def init_weights(self) -> None:
        """Quantizers have no weights; keep mmengine's init quiet."""
