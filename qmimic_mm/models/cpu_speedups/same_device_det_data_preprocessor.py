"""The gray detection data preprocessor without rebuilding, in training,
data samples that already live on the model's device."""
from typing import Any

import torch
from mmdet.registry import MODELS
from mmengine.structures import BaseDataElement

from ..data_preprocessors import GrayDetDataPreprocessor


def on_device(element: BaseDataElement, device: torch.device) -> bool:
    """Whether every tensor-like value of ``element`` (nested elements
    included) is on ``device``; values that can move but tell no device
    count as elsewhere, so that they are moved as before."""
    for value in element.values():
        if isinstance(value, BaseDataElement):
            if not on_device(value, device):
                return False
        elif hasattr(value, 'to'):
            if getattr(value, 'device', None) != device:
                return False
    return True


@MODELS.register_module()
class SameDeviceDetDataPreprocessor(GrayDetDataPreprocessor):
    """:class:`~qmimic_mm.models.data_preprocessors.GrayDetDataPreprocessor`
    (mmdet's ``DetDataPreprocessor`` with colour-to-gray inputs) whose
    ``cast_data`` passes a data sample through when it is already on the
    model's device, in training.

    mmengine's ``cast_data`` calls ``sample.to(device)`` on every
    ``DetDataSample``, which rebuilds the sample and its instances and deep
    copies their metainfo even when nothing moves (a CPU model reading a
    CPU data loader): ~0.5 ms of the demo student's ~33 ms training step.
    Tensors already on the device are returned as they are by
    ``Tensor.to`` anyway, so the samples the model sees hold the same
    values; only their objects are the loader's own (which the loader
    builds afresh for every batch). At test time (``training=False``) the
    samples are copied as the parent does: ``predict`` writes its results
    into the samples it is given, and a caller that runs two detectors on
    one batch must get two sets of samples.

    Args:
        skip_same_device_copy (bool): Pass such samples through; False
            gives the parent's behaviour (the timing baseline). Defaults
            to True.
        **kwargs: As :class:`GrayDetDataPreprocessor`.
    """

    def __init__(self, skip_same_device_copy: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.skip_same_device_copy = skip_same_device_copy
        self._pass_through = False  # set by forward, read by cast_data

    def forward(self, data: dict, training: bool = False) -> dict:
        """The parent's ``forward``; data samples pass through uncopied
        only when ``training``."""
        self._pass_through = self.skip_same_device_copy and training
        try:
            return super().forward(data, training)
        finally:
            self._pass_through = False

    def cast_data(self, data: Any) -> Any:
        """The parent's ``cast_data``, except for data samples already on
        :attr:`device` in training (the parent recurses through this
        method, so samples nested in dicts and lists are covered)."""
        if (self._pass_through
                and isinstance(data, BaseDataElement)
                and on_device(data, self.device)):
            return data
        return super().cast_data(data)
