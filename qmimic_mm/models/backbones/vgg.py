"""VGG16 feature extractor with the VGG-1-k width scaling of Quantization
Mimic (Wei et al., ECCV 2018, Sec. 4.1, Tables 1-2)."""
import math
from typing import List, Optional, Sequence, Tuple

from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from mmdet.registry import MODELS
from mmdet.utils import OptConfigType, OptMultiConfig
from mmengine.model import BaseModule
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from ..cpu_speedups.strided_max_pool import (grad_recorded,
                                             strided_max_pool2d,
                                             strided_max_pool2d_with_grad,
                                             strided_pool_applies)
from ..cpu_speedups.tiny_conv import TinyConv2d

# VGG16 conv1_1 .. conv5_3, one tuple per stage.
VGG16_STAGES: Tuple[Tuple[int, ...], ...] = (
    (64, 64),
    (128, 128),
    (256, 256, 256),
    (512, 512, 512),
    (512, 512, 512),
)


@MODELS.register_module()
class WidthScaledVGG(BaseModule):
    """VGG16 backbone with every layer's width divided by ``k`` (VGG-1-k).

    Implements the backbones of Quantization Mimic (Wei et al., ECCV 2018):
    VGG16 (k=1), the teacher VGG-1-4 and the student VGG-1-32 of Sec. 4.1 /
    Table 1 ("every layer's channels / k"), plus the Table 2 baselines of
    similar cost built on VGG-1-32: group convolution (each width ``c``
    becomes ``ceil(sqrt(3) c)``, 3 groups) and depthwise-separable
    convolution (MobileNet style). Layout: 3x3 convs + ReLU, 2x2 max-pool
    between stages, no pool5, so conv5_3 is at stride 16 as R-FCN / Faster
    R-CNN on VGG expect.

    Channels per stage (``max(1, c // k)``, standard convs)::

        stage (stride)   VGG16 (k=1)   VGG-1-4   VGG-1-32
        0 conv1_x (1)    64 x2         16 x2     2 x2
        1 conv2_x (2)    128 x2        32 x2     4 x2
        2 conv3_x (4)    256 x3        64 x3     8 x3
        3 conv4_x (8)    512 x3        128 x3    16 x3
        4 conv5_x (16)   512 x3        128 x3    16 x3

    Stage ``i`` is ``[max-pool if i > 0] + its convs``; its output is the
    ReLU output of its last conv (conv{i+1}_2/3), at stride ``2**i``.

    ``conv_type='group'``: every width becomes ``ceil(widen_factor * c)``
    rounded up to a multiple of ``groups`` (``widen_factor`` defaults to
    ``sqrt(groups)``, so a grouped layer costs what the dense one did;
    VGG-1-32 gives 6, 9, 15, 30, 30). ``conv_type='depthwise'``: depthwise
    3x3 + ReLU followed by pointwise 1x1 + ReLU, widths ``ceil(widen_factor
    * c)`` with ``widen_factor`` defaulting to 2.5 (pointwise cost
    ``w^2 c c'`` plus depthwise ``9 w c`` then roughly matches the dense
    ``9 c c'`` at VGG-1-32 widths). In both variants conv1_1, which sees the
    raw image, stays a dense conv: grouping 1 (gray) or 3 (RGB) input
    channels would cut the colour mixing or is impossible. Relative to the
    standard gray VGG-1-32 (14.5k params, 0.19 GMACs at 1000x600) the
    defaults give params x1.20 / MACs x1.64 (group; rounding 2 -> 6 channels
    in the full-resolution stage costs most) and params x0.91 / MACs x1.27
    (depthwise).

    Args:
        width_divisor (int): ``k`` of VGG-1-k. Defaults to 1 (VGG16).
        in_channels (int): Image channels, 1 for gray input. Defaults to 3.
        conv_type (str): ``'standard'``, ``'group'`` or ``'depthwise'``.
            Defaults to ``'standard'``.
        groups (int): Groups of ``conv_type='group'``. Defaults to 3.
        widen_factor (float, optional): Width multiplier of the group /
            depthwise variants; None picks ``sqrt(groups)`` / 2.5. Must be
            None or 1 for ``'standard'``. Defaults to None.
        channels (Sequence[int], optional): Explicit output channels of
            the 13 convs (conv1_1 .. conv5_3), e.g. the per-layer widths of
            a pruned VGG-1-k (``configs/pruning``); replaces the widths of
            ``width_divisor``. Only with ``conv_type='standard'``.
            Defaults to None.
        out_indices (Sequence[int]): Stages (0..4) whose outputs are
            returned. Defaults to (4,), conv5_3 only.
        frozen_stages (int): Stages ``0..frozen_stages`` are frozen
            (no grad, eval mode); -1 freezes nothing. Defaults to -1.
        norm_cfg (dict, optional): Norm layer after each conv (e.g.
            ``dict(type='BN')``); None as in the original VGG16.
            Defaults to None.
        norm_eval (bool): Keep norm layers in eval mode while training.
            Defaults to False.
        tiny_conv_stages (Sequence[int]): Stages (0..4) whose convs are
            :class:`~qmimic_mm.models.cpu_speedups.TinyConv2d` (on CPU: the
            native kernel for one input channel, oneDNN channels-last
            otherwise; NCHW in and out). Same parameters and state dict;
            results equal up to float rounding. It cuts VGG-1-32's CPU
            training step (oneDNN's NCHW conv backward is slow on its 1-4
            channel full-resolution layers); wider layers gain nothing.
            Defaults to () (plain ``Conv2d`` everywhere).
        tiny_conv_native_max_col_bytes (int, optional): The
            ``native_max_col_bytes`` of those layers: inputs whose im2col
            buffer fits also take the native kernel (cache-resident, no
            layout copies; the demo student's conv2_1 and stages 3-5).
            0 gives the channels-last kernel to every input of more than
            one channel; None keeps TinyConv2d's default (1 MiB).
            Defaults to None.
        strided_pool (bool): When no gradient is recorded (test time, a
            frozen teacher), compute the 2x2 ``nn.MaxPool2d`` layers with
            :func:`~qmimic_mm.models.cpu_speedups.strided_max_pool2d`: the
            same values, 3-6x faster on CPU. The modules stay ``nn.MaxPool2d``
            (state dict, ``torch.fx`` / ONNX / FLOP-counter graphs
            unchanged; forward hooks on the pools do not run on the fast
            path). False always calls the modules. Defaults to True.
        strided_pool_grad (bool): With ``strided_pool``, also while a
            gradient is recorded (the training step): the strided maximum
            with ``max_pool2d``'s gradient (``strided_max_pool2d_with_grad``
            in ``cpu_speedups/strided_max_pool.py``; values and gradients
            equal bit for bit; pool1 + pool2 of the demo student 1.4 vs 2.0 ms
            forward + backward). Defaults to True.
        init_cfg (dict or list[dict], optional): Defaults to Kaiming for
            convs and constant 1 for norms.

    Attributes:
        stage_channels (list[int]): Output channels of each stage.
        out_channels (int): Channels of the last returned output.

    Example:
        >>> backbone = dict(type='WidthScaledVGG', width_divisor=32,
        ...                 in_channels=1, out_indices=(4, ))
    """

    arch_settings = VGG16_STAGES

    def __init__(self,
                 width_divisor: int = 1,
                 in_channels: int = 3,
                 conv_type: str = 'standard',
                 groups: int = 3,
                 widen_factor: Optional[float] = None,
                 channels: Optional[Sequence[int]] = None,
                 out_indices: Sequence[int] = (4, ),
                 frozen_stages: int = -1,
                 norm_cfg: OptConfigType = None,
                 norm_eval: bool = False,
                 tiny_conv_stages: Sequence[int] = (),
                 tiny_conv_native_max_col_bytes: Optional[int] = None,
                 strided_pool: bool = True,
                 strided_pool_grad: bool = True,
                 init_cfg: OptMultiConfig = [
                     dict(type='Kaiming', layer='Conv2d'),
                     dict(
                         type='Constant',
                         val=1,
                         layer=['_BatchNorm', 'GroupNorm'])
                 ]) -> None:
        super().__init__(init_cfg=init_cfg)
        if width_divisor < 1:
            raise ValueError(f'width_divisor must be >= 1, got '
                             f'{width_divisor}')
        if conv_type not in ('standard', 'group', 'depthwise'):
            raise ValueError(f"conv_type must be 'standard', 'group' or "
                             f"'depthwise', got {conv_type!r}")
        num_stages = len(self.arch_settings)
        out_indices = tuple(out_indices)
        if not out_indices or any(i < 0 or i >= num_stages
                                  for i in out_indices):
            raise ValueError(f'out_indices must be a non-empty subset of '
                             f'0..{num_stages - 1}, got {out_indices}')
        if not -1 <= frozen_stages < num_stages:
            raise ValueError(f'frozen_stages must be in -1..'
                             f'{num_stages - 1}, got {frozen_stages}')
        if widen_factor is None:
            widen_factor = {
                'standard': 1.,
                'group': math.sqrt(groups),
                'depthwise': 2.5
            }[conv_type]
        elif conv_type == 'standard' and widen_factor != 1:
            raise ValueError("widen_factor only applies to conv_type "
                             "'group' / 'depthwise'")

        num_convs = sum(len(widths) for widths in self.arch_settings)
        if channels is not None:
            channels = [int(c) for c in channels]
            if len(channels) != num_convs or min(channels) < 1:
                raise ValueError(
                    f'channels must list {num_convs} positive widths '
                    f'(conv1_1 .. conv5_3), got {len(channels)}: {channels}')
            if conv_type != 'standard':
                raise ValueError("channels only applies to conv_type "
                                 f"'standard', got {conv_type!r}")
        self.channels = channels
        self.width_divisor = width_divisor
        self.in_channels = in_channels
        self.conv_type = conv_type
        self.groups = groups
        self.widen_factor = widen_factor
        self.out_indices = out_indices
        self.frozen_stages = frozen_stages
        self.norm_cfg = norm_cfg
        self.norm_eval = norm_eval
        tiny_conv_stages = tuple(tiny_conv_stages)
        if any(i < 0 or i >= num_stages for i in tiny_conv_stages):
            raise ValueError(f'tiny_conv_stages must be a subset of '
                             f'0..{num_stages - 1}, got '
                             f'{tiny_conv_stages}')
        self.tiny_conv_stages = tiny_conv_stages
        self.tiny_conv_native_max_col_bytes = tiny_conv_native_max_col_bytes
        self.strided_pool = bool(strided_pool)
        self.strided_pool_grad = bool(strided_pool_grad)

        self.stage_channels: List[int] = []
        self.stage_names: List[str] = []
        prev = in_channels
        is_first_conv = True
        conv_index = 0
        for i, widths in enumerate(self.arch_settings):
            layers: List[nn.Module] = []
            if i > 0:
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            for width in widths:
                out = (self._scaled_width(width) if channels is None else
                       channels[conv_index])
                conv_index += 1
                layers.append(
                    self._make_conv(prev, out, is_first_conv,
                                    i in tiny_conv_stages))
                prev = out
                is_first_conv = False
            name = f'stage{i + 1}'
            self.add_module(name, nn.Sequential(*layers))
            self.stage_names.append(name)
            self.stage_channels.append(prev)
        self.out_channels: int = self.stage_channels[out_indices[-1]]
        self._freeze_stages()

    def _scaled_width(self, width: int) -> int:
        """VGG-1-k width of a VGG16 layer, widened for the Table 2
        baselines."""
        c = max(1, width // self.width_divisor)
        if self.conv_type == 'standard':
            return c
        c = math.ceil(self.widen_factor * c)
        if self.conv_type == 'group':
            c = math.ceil(c / self.groups) * self.groups
        return c

    def _make_conv(self, in_ch: int, out_ch: int, is_first_conv: bool,
                   tiny: bool = False) -> nn.Module:
        """One 3x3 conv layer (+ norm) + ReLU of the chosen type; its
        conv(s) are :class:`TinyConv2d` if ``tiny``."""
        common = dict(padding=1, norm_cfg=self.norm_cfg,
                      act_cfg=dict(type='ReLU'))
        if tiny:
            common['conv_cfg'] = dict(type=TinyConv2d)
            if self.tiny_conv_native_max_col_bytes is not None:
                common['conv_cfg']['native_max_col_bytes'] = \
                    self.tiny_conv_native_max_col_bytes
        if self.conv_type == 'standard' or is_first_conv:
            return ConvModule(in_ch, out_ch, 3, **common)
        if self.conv_type == 'group':
            return ConvModule(in_ch, out_ch, 3, groups=self.groups, **common)
        return DepthwiseSeparableConvModule(in_ch, out_ch, 3, **common)

    def _freeze_stages(self) -> None:
        for i in range(self.frozen_stages + 1):
            stage = getattr(self, self.stage_names[i])
            stage.eval()
            for param in stage.parameters():
                param.requires_grad = False

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Return the outputs of the stages in ``out_indices``."""
        outs = []
        for i, name in enumerate(self.stage_names):
            stage = getattr(self, name)
            if self.strided_pool:
                for layer in stage:
                    x = self._pool_or_layer(layer, x)
            else:
                x = stage(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def _pool_or_layer(self, layer: nn.Module, x: Tensor) -> Tensor:
        """``layer(x)``, by strided pooling where that applies."""
        if not strided_pool_applies(layer, x, self.strided_pool_grad):
            return layer(x)
        if grad_recorded(x):
            return strided_max_pool2d_with_grad(x)
        return strided_max_pool2d(x)

    def train(self, mode: bool = True) -> 'WidthScaledVGG':
        """Keep frozen stages, and norms when ``norm_eval``, in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
