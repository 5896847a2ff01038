"""R-FCN RoI head fitted into mmdet's ``StandardRoIHead`` API."""
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmdet.models.roi_heads import StandardRoIHead
from mmdet.models.utils import unpack_gt_instances
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmdet.utils import ConfigType, InstanceList, OptConfigType, \
    OptMultiConfig
from torch import Tensor


@MODELS.register_module()
class RFCNRoIHead(StandardRoIHead):
    """RoI head of R-FCN (Dai et al. 2016): position-sensitive score maps
    computed once over the whole feature map, PS-RoI pooling per RoI.

    mmdet does the rest: the assigner, the sampler (``OHEMSampler`` as in
    R-FCN / Quantization Mimic, or any other), targets, losses and NMS are
    the ones configured in ``train_cfg`` / ``test_cfg`` and the
    :class:`RFCNBBoxHead`'s parent. No ``bbox_roi_extractor`` is needed.

    ``_bbox_forward`` is the single entry point turning RoIs into scores.
    ``OHEMSampler`` calls it under ``no_grad`` on every candidate RoI of
    each image (with that image's feature slice), then :meth:`loss` calls it
    on the kept RoIs. During :meth:`loss` the score maps are computed once,
    with grad, and looked up by the identity of the feature tensor passed
    in (the batch map and the per-image slices handed to the sampler); the
    cache lives only inside one :meth:`loss` call, so nothing leaks across
    iterations. Outside :meth:`loss` (predict, tensor mode) maps are
    computed per call, which is once.

    Args:
        bbox_head (dict): Config of :class:`RFCNBBoxHead`.
        bbox_roi_extractor (dict, optional): Unused; accepted (with a
            warning) so configs inherited from Faster R-CNN still build.
            Defaults to None.
        feat_index (int): Which feature map of ``x`` the head reads.
            Defaults to -1 (the last one, e.g. conv5_3).
        train_cfg (dict, optional): R-CNN train config (assigner, sampler,
            pos_weight). Defaults to None.
        test_cfg (dict, optional): R-CNN test config (score_thr, nms,
            max_per_img). Defaults to None.
        init_cfg (dict or list[dict], optional): Defaults to None.

    Example:
        >>> roi_head = dict(type='RFCNRoIHead', bbox_head=dict(
        ...     type='RFCNBBoxHead', in_channels=16, num_classes=1))
    """

    def __init__(self,
                 bbox_head: ConfigType,
                 bbox_roi_extractor: OptConfigType = None,
                 feat_index: int = -1,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 init_cfg: OptMultiConfig = None,
                 **kwargs) -> None:
        for key in ('mask_head', 'mask_roi_extractor', 'shared_head'):
            if kwargs.get(key) is not None:
                raise NotImplementedError(f'RFCNRoIHead does not support '
                                          f'{key}')
        if kwargs:
            raise TypeError(f'unexpected arguments: {sorted(kwargs)}')
        super().__init__(
            bbox_roi_extractor=bbox_roi_extractor,
            bbox_head=bbox_head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            init_cfg=init_cfg)
        self.feat_index = feat_index
        # Entries (feature tensor, built with grad?, (cls_maps, reg_maps));
        # a list, not None, only while loss() runs.
        self._maps_cache: Optional[List[tuple]] = None

    def init_bbox_head(self, bbox_roi_extractor: OptConfigType,
                       bbox_head: ConfigType) -> None:
        """Build the box head; the RoI extractor is skipped (PS-RoI pooling
        lives in the head)."""
        if bbox_roi_extractor is not None:
            warnings.warn('RFCNRoIHead pools position-sensitive score maps '
                          'itself; bbox_roi_extractor is ignored')
        self.bbox_roi_extractor = None
        self.bbox_head = MODELS.build(bbox_head)

    def _score_maps(self, x: Sequence[Tensor]) -> Tuple[Tensor, Tensor]:
        """Score maps of ``x[feat_index]``, from the cache when possible."""
        feat = x[self.feat_index]
        grad_on = torch.is_grad_enabled()
        if self._maps_cache is not None:
            for key, with_grad, maps in self._maps_cache:
                # maps built under no_grad cannot serve a grad-mode call
                if key is feat and (with_grad or not grad_on):
                    return maps
        maps = self.bbox_head.forward_score_maps(feat)
        if self._maps_cache is not None:
            self._maps_cache.append((feat, grad_on, maps))
        return maps

    def _bbox_forward(self, x: Sequence[Tensor], rois: Tensor) -> dict:
        """RoIs (K, 5) -> ``cls_score`` (K, C+1), ``bbox_pred`` (K, 4)."""
        cls_maps, reg_maps = self._score_maps(x)
        cls_score, bbox_pred = self.bbox_head.forward_rois(
            cls_maps, reg_maps, rois)
        return dict(cls_score=cls_score, bbox_pred=bbox_pred)

    def loss(self, x: Tuple[Tensor], rpn_results_list: InstanceList,
             batch_data_samples: SampleList) -> Dict[str, Tensor]:
        """Assign, sample (e.g. OHEM) and compute the R-CNN losses.

        Same steps as :meth:`StandardRoIHead.loss`; the difference is that
        the per-image features handed to the sampler are slices whose score
        maps are registered in the cache, so OHEM's forward passes only pool.
        """
        assert len(rpn_results_list) == len(batch_data_samples)
        batch_gt_instances, batch_gt_instances_ignore, _ = \
            unpack_gt_instances(batch_data_samples)

        self._maps_cache = []
        try:
            cls_maps, reg_maps = self._score_maps(x)
            grad_on = torch.is_grad_enabled()
            sampling_results = []
            for i in range(len(batch_data_samples)):
                img_feats = [lvl[i:i + 1] for lvl in x]
                self._maps_cache.append(
                    (img_feats[self.feat_index], grad_on,
                     (cls_maps[i:i + 1], reg_maps[i:i + 1])))
                # mmdet's assigners expect proposals under `priors`; work on
                # a shallow copy so the caller's rpn results keep `bboxes`
                rpn_results = rpn_results_list[i].clone()
                rpn_results.priors = rpn_results.pop('bboxes')
                assign_result = self.bbox_assigner.assign(
                    rpn_results, batch_gt_instances[i],
                    batch_gt_instances_ignore[i])
                sampling_results.append(
                    self.bbox_sampler.sample(
                        assign_result,
                        rpn_results,
                        batch_gt_instances[i],
                        feats=img_feats))
            bbox_results = self.bbox_loss(x, sampling_results)
        finally:
            self._maps_cache = None
        return dict(bbox_results['loss_bbox'])

    def predict_from_maps(self, maps: Tuple[Tensor, Tensor],
                          rpn_results_list: InstanceList,
                          batch_data_samples: SampleList,
                          rescale: bool = False) -> InstanceList:
        """:meth:`predict` from score maps computed elsewhere (e.g. by an
        ONNX Runtime session running the network part of the detector).

        Args:
            maps (tuple[Tensor, Tensor]): Class and box score maps, as
                :meth:`RFCNBBoxHead.forward_score_maps` returns them.
            rpn_results_list, batch_data_samples, rescale: As in
                :meth:`predict`.
        """
        key = maps[0]
        self._maps_cache = [(key, False, tuple(maps))]
        try:
            return self.predict((key, ), rpn_results_list,
                                batch_data_samples, rescale=rescale)
        finally:
            self._maps_cache = None
