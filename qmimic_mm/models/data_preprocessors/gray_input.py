"""Colour images given to a gray detector: converted as OpenCV does."""
from typing import Any

import cv2
import numpy as np
import torch

#: ITU-R BT.601 luma weights in B, G, R order (OpenCV's COLOR_BGR2GRAY).
_BGR_WEIGHTS = (0.114, 0.587, 0.299)


def bgr_to_gray(image: torch.Tensor) -> torch.Tensor:
    """A ``(3, H, W)`` BGR image as ``(1, H, W)`` gray.

    An 8-bit image on the CPU goes through ``cv2.cvtColor(COLOR_BGR2GRAY)``
    itself (``mmcv.bgr2gray``), so the values are OpenCV's to the last bit
    whatever its version's fixed-point rounding; other dtypes and devices
    use the BT.601 weights in floating point.
    """
    if image.dtype == torch.uint8 and image.device.type == 'cpu':
        hwc = np.ascontiguousarray(image.permute(1, 2, 0).numpy())
        return torch.from_numpy(cv2.cvtColor(hwc, cv2.COLOR_BGR2GRAY))[None]
    weights = image.new_tensor(_BGR_WEIGHTS, dtype=torch.float32)
    gray = (image.float() * weights.view(3, 1, 1)).sum(0, keepdim=True)
    if not image.is_floating_point():
        gray = gray.round_()
    return gray.to(image.dtype)


def gray_inputs(inputs: Any) -> Any:
    """Every 3-channel image of a batch (a list of ``(C, H, W)`` tensors or
    one ``(N, C, H, W)`` tensor) converted to one gray channel."""
    if isinstance(inputs, torch.Tensor):
        if inputs.dim() == 4 and inputs.shape[1] == 3:
            return torch.stack([bgr_to_gray(x) for x in inputs])
        return inputs
    return [bgr_to_gray(x) if x.dim() == 3 and x.shape[0] == 3 else x
            for x in inputs]
