"""mmdet's CSPNeXt (RTMDet's backbone) on gray, 1-channel input."""
from mmcv.cnn import ConvModule
from mmdet.models.backbones import CSPNeXt
from mmdet.registry import MODELS


@MODELS.register_module()
class GrayCSPNeXt(CSPNeXt):
    """CSPNeXt whose stem reads ``in_channels`` channels (1: gray).

    The paper's face detectors read gray images (Sec. 3.5); mmdet's CSPNeXt
    fixes its first convolution to 3 input channels. Everything else,
    ``widen_factor`` (the width scaling of the RTMDet family) included, is
    mmdet's own.

    Args:
        in_channels (int): Input channels. Defaults to 1.
        **kwargs: mmdet's ``CSPNeXt`` arguments.

    Example:
        >>> backbone = dict(type='GrayCSPNeXt', in_channels=1,
        ...                 deepen_factor=0.167, widen_factor=0.25)
    """

    def __init__(self, in_channels: int = 1, **kwargs) -> None:
        super().__init__(**kwargs)
        first = self.stem[0]
        self.stem[0] = ConvModule(
            in_channels, first.conv.out_channels, 3, padding=1, stride=2,
            norm_cfg=first.norm_cfg, act_cfg=first.act_cfg)
        self.in_channels = in_channels
