"""R-FCN box head: position-sensitive score maps + PS-RoI pooling + voting."""
from typing import Optional, Sequence, Tuple, Union

import torch
from mmdet.models.roi_heads.bbox_heads import BBoxHead
from mmdet.registry import MODELS
from mmdet.utils import ConfigType, OptMultiConfig
from torch import Tensor, nn

from ..layers import PSRoIPool


@MODELS.register_module()
class RFCNBBoxHead(BBoxHead):
    """Box head of R-FCN (Dai et al. 2016, "R-FCN: Object Detection via
    Region-based Fully Convolutional Networks").

    1x1 convs over the *whole* feature map produce ``k^2 (C+1)``
    position-sensitive class score maps and ``k^2 * 4`` class-agnostic box
    maps (``k^2 * 4C`` if ``reg_class_agnostic=False``), optionally after a
    1x1 conv + ReLU down to ``feat_channels`` (R-FCN's 1024-d layer).
    Position-sensitive RoI pooling (:func:`ps_roi_pool`) then averages bin
    (i, j) of every RoI over score-map group ``i*k + j``, and the vote is the
    mean over the ``k x k`` bins, giving ``cls_score`` (K, C+1) and
    ``bbox_pred`` (K, 4). Per-RoI work is therefore only the pooling.

    Targets, losses (mmdet's ``CrossEntropyLoss`` / ``SmoothL1Loss`` by
    default), box decoding and NMS are :class:`mmdet BBoxHead`'s. The
    parent's ``fc_cls`` / ``fc_reg`` are replaced by ``conv_cls`` /
    ``conv_reg``.

    Args:
        in_channels (int): Channels of the backbone feature map.
            Defaults to 512.
        feat_channels (int, optional): Channels of the 1x1 conv + ReLU
            applied before the score-map convs; None or 0 skips it.
            Defaults to 1024.
        num_classes (int): Foreground classes C. Defaults to 80.
        roi_feat_size (int): Bins per side ``k`` (3 in Quantization Mimic,
            7 in R-FCN). Defaults to 3.
        featmap_stride (int): Stride of the feature map w.r.t. the image.
            Defaults to 16.
        reg_class_agnostic (bool): One box per RoI (R-FCN). Defaults to True.
        bbox_coder, reg_decoded_bbox, predict_box_type, loss_cls, loss_bbox:
            As in :class:`mmdet.models.roi_heads.BBoxHead`.
        init_cfg (dict or list[dict], optional): Defaults to Normal(0.01)
            for ``conv_cls`` and the reduce conv, Normal(0.001) for
            ``conv_reg``.

    Example:
        >>> bbox_head = dict(type='RFCNBBoxHead', in_channels=16,
        ...                  feat_channels=64, num_classes=1, roi_feat_size=3)
    """

    def __init__(self,
                 in_channels: int = 512,
                 feat_channels: Optional[int] = 1024,
                 num_classes: int = 80,
                 roi_feat_size: int = 3,
                 featmap_stride: int = 16,
                 reg_class_agnostic: bool = True,
                 bbox_coder: ConfigType = dict(
                     type='DeltaXYWHBBoxCoder',
                     clip_border=True,
                     target_means=[0., 0., 0., 0.],
                     target_stds=[0.1, 0.1, 0.2, 0.2]),
                 reg_decoded_bbox: bool = False,
                 predict_box_type: str = 'hbox',
                 loss_cls: ConfigType = dict(
                     type='CrossEntropyLoss',
                     use_sigmoid=False,
                     loss_weight=1.0),
                 loss_bbox: ConfigType = dict(
                     type='SmoothL1Loss', beta=1.0, loss_weight=1.0),
                 init_cfg: OptMultiConfig = None) -> None:
        if not isinstance(roi_feat_size, int):
            raise TypeError('RFCNBBoxHead needs square bins: roi_feat_size '
                            f'must be an int, got {roi_feat_size!r}')
        # with_avg_pool=True keeps the parent from sizing its (unused) fc
        # layers by k*k*in_channels; they are removed right below.
        super().__init__(
            with_avg_pool=True,
            roi_feat_size=roi_feat_size,
            in_channels=in_channels,
            num_classes=num_classes,
            bbox_coder=bbox_coder,
            predict_box_type=predict_box_type,
            reg_class_agnostic=reg_class_agnostic,
            reg_decoded_bbox=reg_decoded_bbox,
            loss_cls=loss_cls,
            loss_bbox=loss_bbox,
            init_cfg=init_cfg)
        del self.fc_cls, self.fc_reg, self.avg_pool

        self.k = roi_feat_size
        self.feat_channels = feat_channels or 0
        self.featmap_stride = featmap_stride
        # parameter-free: state dicts are unchanged
        self.ps_roi_pool = PSRoIPool(self.k, 1. / featmap_stride)
        if self.feat_channels > 0:
            self.reduce_conv: Optional[nn.Module] = nn.Sequential(
                nn.Conv2d(in_channels, self.feat_channels, 1),
                nn.ReLU(inplace=True))
            score_in = self.feat_channels
        else:
            self.reduce_conv = None
            score_in = in_channels

        if self.custom_cls_channels:
            self.cls_channels = self.loss_cls.get_cls_channels(num_classes)
        else:
            self.cls_channels = num_classes + 1
        box_dim = self.bbox_coder.encode_size
        self.reg_channels = box_dim if reg_class_agnostic else \
            box_dim * num_classes
        k2 = self.k * self.k
        self.conv_cls = nn.Conv2d(score_in, k2 * self.cls_channels, 1)
        self.conv_reg = nn.Conv2d(score_in, k2 * self.reg_channels, 1)

        if init_cfg is None:
            self.init_cfg = [
                dict(type='Normal', std=0.01, override=dict(name='conv_cls')),
                dict(type='Normal', std=0.001, override=dict(name='conv_reg'))
            ]
            if self.reduce_conv is not None:
                self.init_cfg.append(
                    dict(
                        type='Normal',
                        std=0.01,
                        override=dict(name='reduce_conv')))

    def forward_score_maps(self, feat: Tensor) -> Tuple[Tensor, Tensor]:
        """Position-sensitive score maps of a whole (N, C_in, H, W) map.

        Returns:
            tuple[Tensor, Tensor]: class maps (N, k*k*(C+1), H, W) and box
            maps (N, k*k*4, H, W), channel group ``i*k + j`` for bin (i, j).
        """
        if self.reduce_conv is not None:
            feat = self.reduce_conv(feat)
        return self.conv_cls(feat), self.conv_reg(feat)

    def forward_rois(self, cls_maps: Tensor, reg_maps: Tensor,
                     rois: Tensor) -> Tuple[Tensor, Tensor]:
        """PS-RoI pool the score maps and vote (mean over the k x k bins).

        Args:
            cls_maps (Tensor): Class score maps from
                :meth:`forward_score_maps`.
            reg_maps (Tensor): Box maps from :meth:`forward_score_maps`.
            rois (Tensor): (K, 5) ``[batch_idx, x1, y1, x2, y2]``.

        Returns:
            tuple[Tensor, Tensor]: ``cls_score`` (K, C+1) and ``bbox_pred``
            (K, 4) or (K, 4C).
        """
        # One pooling call for both kinds of maps: per bin group, the class
        # channels followed by the box channels (pooling is per channel).
        n, _, h, w = cls_maps.shape
        k2 = self.k * self.k
        maps = torch.cat([
            cls_maps.view(n, k2, -1, h, w),
            reg_maps.view(n, k2, -1, h, w)
        ], 2).view(n, -1, h, w)
        pooled = self.ps_roi_pool(maps, rois)
        # the vote, per kind of map: a mean over the k x k bins, each part
        # laid out as the unfused version's output so that the sums run in
        # the same order (ATen's reduction order depends on the strides)
        cls_score, bbox_pred = (
            part.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).mean(
                (2, 3)) for part in pooled.split(
                [cls_maps.size(1) // k2, reg_maps.size(1) // k2], 1))
        return cls_score, bbox_pred

    def forward(self, x: Union[Tensor, Sequence[Tensor]],
                rois: Tensor) -> Tuple[Tensor, Tensor]:
        """Score maps of ``x`` (a map, or the last of a tuple of maps), then
        pooling and voting for ``rois``. :class:`RFCNRoIHead` calls the two
        halves itself so that the maps are computed once per image batch."""
        if not isinstance(x, Tensor):
            x = x[-1]
        return self.forward_rois(*self.forward_score_maps(x), rois)
