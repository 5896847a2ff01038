"""FLOPs and parameters of a detector on a synthetic image (MMDet-style).

The library behind ``tools/analysis_tools/get_flops.py`` (the command line:
``python tools/analysis_tools/get_flops.py --help``), ``benchmark.py`` and
``table1.py``: :func:`load_detector_config`, :func:`build_detector`,
:func:`synthetic_batch`, :func:`count_complexity` and the printed
:func:`format_report` / :func:`format_comparison`.

Counts with MMEngine's fvcore-style counter
(:func:`mmengine.analysis.get_model_complexity_info`, a JIT trace of the
model in ``tensor`` mode), for the whole detector and for its backbone
alone. Unlike mmdet's own ``get_flops.py`` it needs no dataset: the input is
a random image of ``--shape`` with the channels of the config's
``data_preprocessor`` (1 for the gray WIDER FACE R-FCN configs), padded as
the preprocessor pads it (to a multiple of 16 there).

Default shape: 768 x 1024 (H x W), a landscape image whose longer side is
1024, the test size of the paper's Table 1 (WIDER FACE images are 1024
pixels wide; 4:3 is a typical aspect). Table 2 uses 600 x 1000.

What the numbers mean (fvcore conventions):

* FLOPs are multiply-accumulates: a conv counts ``prod(kernel) * C_in/groups
  * C_out * H_out * W_out``, bias and additions are free. Batch norm in eval
  mode counts 2 per element (fold it away with ``--fuse-conv-bn``, as a
  deployed model would). Element-wise ops (ReLU, max-pool, softmax) are not
  counted.
* Detector = backbone + RPN (3x3 conv and the 1x1 objectness / box convs)
  + the R-FCN head's 1x1 convs over the whole feature map (the reduce conv
  and the position-sensitive class / box score-map convs). These do not
  depend on the proposals. For a one-stage detector (RTMDet, RetinaNet):
  backbone + neck + the dense head's convs over every level.
* Features = ``extract_feat``: the backbone, and the neck where there is
  one (the one-stage detectors' PAFPN / FPN); what ``benchmark.py`` times
  as ``backbone``. For R-FCN (no neck) it is the backbone.
* Not in the count, because they are element-wise or data dependent:
  anchor decoding, top-k and NMS of the RPN and of the final boxes, and
  R-FCN's position-sensitive RoI pooling. The pooling is printed separately
  as an analytic bound: the summed-area tables of the score maps (2 adds per
  score-map element) plus, for at most ``test_cfg.rpn.max_per_img``
  proposals, 4 ops per bin and channel (3 adds, 1 divide) and the k x k
  vote (1 add per bin and channel). It is negligible next to the convs.
"""
import logging
from contextlib import contextmanager
from functools import partial
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import qmimic_mm.all_modules  # noqa: F401  (stack fixes, registries)
import torch
from mmdet.registry import MODELS  # noqa: E402
from mmengine.analysis import get_model_complexity_info  # noqa: E402
from mmengine.analysis.print_helper import _format_size  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import load_checkpoint  # noqa: E402
from torch import nn  # noqa: E402

from qmimic_mm.utils import (UserInputError, check_file,  # noqa: E402
                             prepare_config)

#: (H, W) of the synthetic image: longer side 1024 as in the paper's Table 1.
DEFAULT_SHAPE: Tuple[int, int] = (768, 1024)


@contextmanager
def quiet_logger(level: int = logging.ERROR) -> Iterator[None]:
    """Raise the level of MMEngine's current logger for a while.

    ``init_weights`` logs one record per parameter and the FLOP counter one
    per element-wise op it skips; what is skipped is documented above.
    """
    logger = MMLogger.get_current_instance()
    old = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(old)


def load_detector_config(config: str,
                         cfg_options: Optional[Dict[str, Any]] = None
                         ) -> Config:
    """Load and check a detector config (one-line errors for the CLI)."""
    cfg = prepare_config(config, cfg_options, 'none', None)
    model = cfg.get('model')
    if not isinstance(model, dict) or 'backbone' not in model:
        raise UserInputError(
            f'{config}: model has no backbone; give a detector config '
            '(e.g. configs/rfcn/*.py), not a distillation config')
    return cfg


def build_detector(cfg: Config,
                   checkpoint: Optional[str] = None,
                   fuse_conv_bn: bool = False,
                   device: str = 'cpu',
                   seed: int = 0) -> nn.Module:
    """Build the detector of ``cfg`` in eval mode.

    Args:
        cfg (Config): A detector config (see :func:`load_detector_config`).
        checkpoint (str, optional): Weights to load; None keeps the
            config's random initialisation (enough for FLOPs and timing).
        fuse_conv_bn (bool): Fold every batch norm into the conv before it.
        device (str): ``'cpu'`` or ``'cuda'``.
        seed (int): Seed of the random weights; the RPN scores they give
            decide how much work NMS does, so runs stay comparable.

    Returns:
        nn.Module: The detector, on ``device``, in eval mode.
    """
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    with quiet_logger():
        if checkpoint is not None:
            check_file(checkpoint, 'checkpoint')
            load_checkpoint(model, checkpoint, map_location='cpu')
        else:
            model.init_weights()
    if fuse_conv_bn:
        from mmcv.cnn import fuse_conv_bn as fuse
        model = fuse(model)
    return model.to(device).eval()


def input_channels(model: nn.Module) -> int:
    """Image channels the detector expects (1 for the gray configs)."""
    mean = getattr(model.data_preprocessor, 'mean', None)
    return 3 if mean is None else int(mean.numel())


def synthetic_batch(model: nn.Module, shape: Sequence[int],
                    seed: int = 0) -> Dict[str, List[Any]]:
    """One random uint8 image of ``shape`` (H, W), as a dataloader batch.

    Args:
        model (nn.Module): The detector (gives the channel count).
        shape (Sequence[int]): ``(H, W)``.
        seed (int): Seed of the pixel values.

    Returns:
        dict: ``inputs`` (one (C, H, W) uint8 tensor) and ``data_samples``
        (one :class:`DetDataSample` with the metainfo ``predict`` needs).
    """
    from mmdet.structures import DetDataSample
    height, width = int(shape[0]), int(shape[1])
    if height < 16 or width < 16:
        raise UserInputError(f'--shape must be at least 16 x 16, got '
                             f'{height} x {width}')
    generator = torch.Generator().manual_seed(seed)
    image = torch.randint(0, 256, (input_channels(model), height, width),
                          generator=generator, dtype=torch.uint8)
    sample = DetDataSample(metainfo=dict(
        img_id=0, img_shape=(height, width), ori_shape=(height, width),
        scale_factor=(1., 1.)))
    return dict(inputs=[image], data_samples=[sample])


def ps_roi_pool_ops(model: nn.Module,
                    feat_shape: Sequence[int]) -> Optional[Dict[str, int]]:
    """Analytic element-wise cost of R-FCN's PS-RoI pooling at test time.

    Args:
        model (nn.Module): The detector.
        feat_shape (Sequence[int]): (N, C, H, W) of the head's feature map.

    Returns:
        dict or None: ``tables`` (summed-area tables), ``rois`` (the
        proposals' bins and vote), ``num_rois`` (the bound used); None if
        the model has no R-FCN head.
    """
    roi_head = getattr(model, 'roi_head', None)
    bbox_head = getattr(roi_head, 'bbox_head', None)
    if not hasattr(bbox_head, 'forward_score_maps'):
        return None
    k2 = bbox_head.k * bbox_head.k
    channels = bbox_head.cls_channels + bbox_head.reg_channels
    height, width = feat_shape[-2:]
    num_rois = int(model.test_cfg.rpn.max_per_img)
    return dict(
        tables=2 * k2 * channels * height * width,
        rois=num_rois * k2 * channels * (4 + 1),
        num_rois=num_rois)


class FeatureExtractor(nn.Module):
    """A detector's backbone and neck, as its ``extract_feat`` runs them,
    holding no other parameters (the FLOP counter counts every parameter
    of the module it is given).

    Args:
        detector (nn.Module): An mmdet detector with a ``neck``.
    """

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.backbone = detector.backbone
        self.neck = detector.neck

    def forward(self, inputs: torch.Tensor) -> tuple:
        return tuple(self.neck(self.backbone(inputs)))


def count_complexity(model: nn.Module,
                     shape: Sequence[int]) -> Dict[str, Any]:
    """FLOPs and params of the detector and of its backbone.

    Args:
        model (nn.Module): A detector in eval mode (see
            :func:`build_detector`).
        shape (Sequence[int]): Image ``(H, W)`` before padding.

    Returns:
        dict: ``flops``, ``params``, ``backbone_flops``, ``backbone_params``,
        ``feature_flops``, ``feature_params`` (backbone and neck:
        :class:`FeatureExtractor`) (ints), ``with_neck``, ``heads`` (what
        the rest is called), ``input_shape`` (the padded (N,
        C, H, W)), ``feat_shape`` (the last level) and ``ps_roi_pool`` (see
        :func:`ps_roi_pool_ops`).
    """
    batch = synthetic_batch(model, shape)
    with torch.no_grad():
        data = model.data_preprocessor(batch, False)
        feats = model.extract_feat(data['inputs'])
    forward = model.forward
    # mmdet's get_flops recipe: trace ``forward(inputs, data_samples,
    # mode='tensor')`` with the samples bound, as the tracer passes tensors
    # only.
    model.forward = partial(forward, data_samples=data['data_samples'])
    try:
        with quiet_logger():
            detector = get_model_complexity_info(
                model, inputs=data['inputs'], show_table=False,
                show_arch=False)
            backbone = get_model_complexity_info(
                model.backbone, inputs=data['inputs'], show_table=False,
                show_arch=False)
            features = backbone if getattr(model, 'neck', None) is None \
                else get_model_complexity_info(
                    FeatureExtractor(model), inputs=data['inputs'],
                    show_table=False, show_arch=False)
    finally:
        del model.forward  # back to the class's forward
    return dict(
        flops=int(detector['flops']),
        params=int(detector['params']),
        backbone_flops=int(backbone['flops']),
        backbone_params=int(backbone['params']),
        feature_flops=int(features['flops']),
        feature_params=int(features['params']),
        with_neck=getattr(model, 'neck', None) is not None,
        heads=('RPN + R-CNN head' if getattr(model, 'rpn_head', None)
               is not None else 'Dense head'),
        input_shape=tuple(data['inputs'].shape),
        feat_shape=tuple(feats[-1].shape),
        ps_roi_pool=ps_roi_pool_ops(model, feats[-1].shape))


def format_report(result: Dict[str, Any]) -> str:
    """The printed summary of :func:`count_complexity`."""
    line = '=' * 64
    heads = result['flops'] - result['feature_flops']
    head_params = result['params'] - result['feature_params']
    with_neck = result.get('with_neck', False)
    rows = [
        line,
        f'Input shape: {result["input_shape"]} (N, C, H, W after padding); '
        f'feature map: {result["feat_shape"]}',
        f'Detector: Flops: {_format_size(result["flops"])}  '
        f'Params: {_format_size(result["params"])}',
        f'Backbone: Flops: {_format_size(result["backbone_flops"])}  '
        f'Params: {_format_size(result["backbone_params"])}',
    ]
    if with_neck:
        rows.append(
            f'Backbone + neck: Flops: {_format_size(result["feature_flops"])}'
            f'  Params: {_format_size(result["feature_params"])}')
    rows.append(
        f'{result.get("heads", "Heads")} (detector - '
        f'{"backbone - neck" if with_neck else "backbone"}): Flops: '
        f'{_format_size(heads)}  Params: {_format_size(head_params)}')
    pool = result.get('ps_roi_pool')
    if pool is not None:
        rows.append(
            f'PS-RoI pooling (element-wise, not in Flops above): '
            f'{_format_size(pool["tables"] + pool["rois"])} ops at most '
            f'(summed-area tables {_format_size(pool["tables"])} + '
            f'{pool["num_rois"]} RoIs {_format_size(pool["rois"])})')
    rows += [
        line,
        'Flops = multiply-accumulates of convs / linear layers (+2 per '
        'element for unfused batch norm); element-wise ops, NMS and box '
        'decoding are not counted.',
    ]
    return '\n'.join(rows)


def format_comparison(result: Dict[str, Any], reference: Dict[str, Any],
                      name: str) -> str:
    """Detector and backbone FLOPs / params of ``result`` relative to
    ``reference`` (the lines ``--reference`` prints)."""
    rows = [f'Reference {name}:']
    for label, prefix in (('Detector', ''), ('Backbone', 'backbone_')):
        parts = []
        for key in ('flops', 'params'):
            ours, theirs = result[prefix + key], reference[prefix + key]
            parts.append(f'{key.capitalize()}: {_format_size(theirs)} '
                         f'(this model x{ours / theirs:.3f})')
        rows.append(f'  {label}: ' + '  '.join(parts))
    return '\n'.join(rows)
