"""Shared machinery of the feature quantizers (Quantization Mimic Sec. 3.1):
the straight-through backward and the calibration of the quantizer's scale
from the activations it sees first in training."""
import contextlib
import math
from abc import abstractmethod
from typing import Iterator, Optional, Sequence, Union

import torch
from mmengine.dist import all_reduce
from mmengine.logging import print_log
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector

Features = Union[torch.Tensor, Sequence[torch.Tensor]]

#: Elements sampled per calibration batch (``kthvalue`` on a whole
#: 600x1000 VGG16 map would sort tens of millions of values).
MAX_CALIB_ELEMENTS = 1 << 22

_passthrough_uncalibrated = False


@contextlib.contextmanager
def uncalibrated_passthrough() -> Iterator[None]:
    """Let quantizers whose scale is not measured yet return their input.

    Only for shape probes (e.g. the distillation algorithm checking channel
    counts at build time); everywhere else an uncalibrated quantizer in eval
    mode is an error, since it would test an unquantized model silently.
    """
    global _passthrough_uncalibrated
    previous, _passthrough_uncalibrated = _passthrough_uncalibrated, True
    try:
        yield
    finally:
        _passthrough_uncalibrated = previous


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


def activation_percentile(x: torch.Tensor, percentile: float) -> float:
    """The ``percentile``-th percentile of all elements of ``x``.

    Large maps are subsampled with a fixed stride (deterministic).
    """
    flat = x.detach().reshape(-1).float()
    if flat.numel() > MAX_CALIB_ELEMENTS:
        step = math.ceil(flat.numel() / MAX_CALIB_ELEMENTS)
        flat = flat[::step]
    k = min(flat.numel(), max(1, math.ceil(percentile / 100 * flat.numel())))
    return float(flat.kthvalue(k).values)


class FeatureQuantizer(BaseConnector):
    """Base class: element-wise ``Q`` with a straight-through backward and an
    optional calibrated scale.

    One module serves three roles: an MMRazor connector (called on the
    recorded tensor), a loss-side quantizer inside ``QuantMimicLoss``, and an
    MMDetection neck quantizing the last feature activation of a detector
    (called on the backbone's tuple of maps; returns a tuple).

    **Scale.** The paper's stride 1 assumes Caffe VGG activations spanning
    about [0, 40]; a batch-norm network's are of order 1, where stride 1
    leaves two or three levels. With ``levels`` set, the scale (the stride of
    the uniform quantizer, the top entry of the power-of-two one) is instead
    measured from the activations: the ``percentile``-th percentile of the
    map, averaged over the first ``calib_batches`` training batches (and over
    processes), then frozen. It is a buffer, so checkpoints, resume, student
    extraction and test keep it. Until it is frozen each batch is quantized
    with the running estimate.

    Subclasses implement :meth:`quantize_with_scale` and
    :meth:`scale_from_percentile`.

    Args:
        levels (int, optional): Number of levels the calibrated range is
            divided into; None for a fixed scale. Defaults to None.
        percentile (float): Percentile of the activations taken as the top
            of the range, in (0, 100]. Defaults to 99.9.
        calib_batches (int): Training batches averaged before the scale is
            frozen. Defaults to 10.
        init_cfg (dict, optional): Unused; for the mmengine API.
    """

    #: What the quantizer calibrates on, for messages; owners (the mimic
    #: loss, a detector neck) set a precise description.
    calib_source: str = 'its input (for a detector neck: the backbone map)'

    def __init__(self,
                 levels: Optional[int] = None,
                 percentile: float = 99.9,
                 calib_batches: int = 10,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        name = type(self).__name__
        if levels is not None and not (isinstance(levels, int) and levels > 0):
            raise ValueError(
                f'{name}: levels must be a positive integer, got '
                f'levels={levels!r}. Set the quantizer\'s `levels` key to the '
                'number of steps over the calibrated range (e.g. 40, the '
                'paper\'s ~40 levels over [0, 40]), or set levels=None and a '
                'fixed scale.')
        if not 0 < percentile <= 100:
            raise ValueError(
                f'{name}: percentile must be in (0, 100], got {percentile}.')
        if not (isinstance(calib_batches, int) and calib_batches >= 1):
            raise ValueError(
                f'{name}: calib_batches must be an integer >= 1, got '
                f'{calib_batches!r}.')
        self.levels = levels
        self.percentile = float(percentile)
        self.calib_batches = calib_batches
        if self.calibrating_scale:
            # Persistent: the measured scale travels with the checkpoint.
            self.register_buffer('calib_percentile_value',
                                 torch.zeros((), dtype=torch.float64))
            self.register_buffer('calib_batches_seen',
                                 torch.zeros((), dtype=torch.long))

    # ------------------------------------------------------------ scale
    @property
    def calibrating_scale(self) -> bool:
        """Whether the scale is measured (``levels`` set) rather than fixed."""
        return self.levels is not None

    @property
    def is_calibrated(self) -> bool:
        """A fixed scale, or a measured one that has been frozen."""
        return (not self.calibrating_scale or
                int(self.calib_batches_seen) >= self.calib_batches)

    def calibration_values(self, x: torch.Tensor) -> torch.Tensor:
        """The values whose percentile sets the scale (``x`` itself)."""
        return x

    @abstractmethod
    def fixed_scale(self) -> float:
        """The scale when it is not calibrated."""

    @abstractmethod
    def scale_from_percentile(self, value: float) -> float:
        """The scale that puts the calibrated range top at ``value``."""

    @abstractmethod
    def quantize_with_scale(self, x: torch.Tensor,
                            scale: float) -> torch.Tensor:
        """Map every element to its dictionary entry (no autograd)."""

    def scale(self) -> float:
        """The current scale (stride / top entry) of the dictionary."""
        if not self.calibrating_scale:
            return self.fixed_scale()
        if int(self.calib_batches_seen) == 0:
            raise RuntimeError(
                f'{type(self).__name__} (levels={self.levels}): the scale '
                'has not been calibrated. It is measured on the first '
                f'training batches of {self.calib_source} and saved in '
                'checkpoints: load a checkpoint trained with this config '
                '(e.g. `load_from` / `model.teacher_ckpt`), or set a fixed '
                'scale (levels=None).')
        return self.scale_from_percentile(float(self.calib_percentile_value))

    @torch.no_grad()
    def adopt_scale(self, other: 'FeatureQuantizer') -> None:
        """Take ``other``'s frozen calibrated scale and freeze it here.

        Raises:
            ValueError: Either quantizer has a fixed scale, or ``other`` has
                not been calibrated yet.
        """
        if not (self.calibrating_scale and other.calibrating_scale and
                other.is_calibrated):
            raise ValueError(
                f'{type(self).__name__}.adopt_scale: both quantizers must be '
                'calibrating (levels set) and the source calibrated.')
        self.calib_percentile_value.copy_(other.calib_percentile_value)
        self.calib_batches_seen.fill_(self.calib_batches)

    @torch.no_grad()
    def observe(self, x: torch.Tensor) -> None:
        """Update the calibration with one training batch of activations.

        A no-op when the scale is fixed, frozen, or the module is in eval
        mode. Logs the scale when it is frozen.

        Raises:
            ValueError: The calibrated range is 0 (an all-zero map).
        """
        if not (self.training and self.calibrating_scale and
                not self.is_calibrated):
            return
        value = x.new_tensor(
            activation_percentile(self.calibration_values(x),
                                  self.percentile), dtype=torch.float64)
        all_reduce(value, op='mean')  # every process gets one scale
        seen = int(self.calib_batches_seen)
        self.calib_percentile_value.mul_(seen).add_(value).div_(seen + 1)
        self.calib_batches_seen.add_(1)
        if not self.is_calibrated:
            return
        if not float(self.calib_percentile_value) > 0:
            raise ValueError(
                f'{type(self).__name__}: the calibrated scale came out 0: the '
                f'{self.percentile:g}th percentile of {self.calib_source} is '
                f'0 over the first {self.calib_batches} training batches (an '
                'all-zero feature map: a dead or untrained layer). Check that '
                'the teacher checkpoint is loaded (`model.teacher_ckpt` / '
                '`load_from`), raise `percentile`, or set a fixed scale '
                '(levels=None).')
        print_log(
            f'{type(self).__name__}: scale fixed at {self.scale():.6g} '
            f'({self.levels} levels over the {self.percentile:g}th percentile'
            f' {float(self.calib_percentile_value):.6g} of '
            f'{self.calib_source}, {self.calib_batches} batches)',
            logger='current')

    # ----------------------------------------------------------- forward
    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        """Map every element to its dictionary entry (no autograd).

        An uncalibrated quantizer in eval mode returns ``x`` unchanged only
        inside :func:`uncalibrated_passthrough`; otherwise it raises.
        """
        if (self.calibrating_scale and int(self.calib_batches_seen) == 0
                and _passthrough_uncalibrated):
            return x.clone()
        if x.dtype in (torch.float16, torch.bfloat16):
            # Under autocast: bin in fp32 (the scale is a float64 buffer),
            # hand the entries back in the caller's precision.
            return self.quantize_with_scale(x.float(), self.scale()).to(
                x.dtype)
        return self.quantize_with_scale(x, self.scale())

    def straight_through(self, x: torch.Tensor) -> torch.Tensor:
        """``Q(x)`` forward, identity backward; does not calibrate (the mimic
        loss quantizes the student with the scale measured on the teacher)."""
        with torch.no_grad():
            quantized = self.quantize(x)
        return _StraightThrough.apply(x, quantized)

    def forward_train(self, feature: Features) -> Features:  # type: ignore
        """Quantize a tensor, or each tensor of a tuple/list (neck use);
        training batches calibrate the scale first."""
        if isinstance(feature, torch.Tensor):
            self.observe(feature)
            return self.straight_through(feature)
        return tuple(self.forward_train(f) for f in feature)

    def init_weights(self) -> None:
        """Quantizers have no weights; keep mmengine's init quiet."""

    def calibration_repr(self) -> str:
        return (f'levels={self.levels}, percentile={self.percentile:g}, '
                f'calib_batches={self.calib_batches}'
                if self.calibrating_scale else '')
