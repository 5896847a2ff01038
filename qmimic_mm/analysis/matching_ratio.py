"""Per-RoI matching ratio of teacher and student (Wei et al. 2018, Fig. 5).

Sec. 4.1 ("Ablation Study on Quantization Operation") measures how well a
student's last feature map matches its teacher's: for each RoI, the share of
the map's elements inside it whose distance ``|f_t^i - f_s^i|`` is below a
threshold (0.3 in the paper), histogrammed over the RoIs of the WIDER FACE
val set. Fig. 5 compares the full-precision pair (Li et al.'s mimic: fp
teacher, fp student) with the quantized pair (Quantization Mimic: ``Q`` on
both maps); quantization shifts the histogram to higher ratios.

The RoI covers exactly the cells the mimic loss reads
(:class:`~qmimic_mm.models.losses.RoICells`), the
student map is the adapter output ``r(f_s)`` resized onto the teacher grid
like :class:`~qmimic_mm.models.losses.QuantMimicLoss` does, and the
quantizer is the loss's own ``Q``.

A one-stage pair has no proposals; its regions are the ground-truth boxes
of the image (the regions of the ``'boxes'`` mimic), each read on every
neck level at that level's stride, the maps compared as
:class:`~qmimic_mm.models.losses.MultiLevelQuantMimicLoss` compares them
(teacher resampled onto the student grid, each level's own ``Q``).
"""
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmdet.structures.bbox import bbox2roi, get_box_tensor
from torch import nn

from qmimic_mm.models.losses.dense_regions import (boxes_to_rois,
                                                   level_strides)

from qmimic_mm.models.losses.roi_cells import RoICells, align_to_teacher
from qmimic_mm.models.quantizers import UniformQuantizer

#: Distance under which two entries match (Sec. 4.1).
PAPER_THRESHOLD = 0.3


def roi_matching_ratios(t_feature: torch.Tensor,
                        s_feature: torch.Tensor,
                        rois: torch.Tensor,
                        stride: float,
                        threshold: float = PAPER_THRESHOLD,
                        quantizer: Optional[nn.Module] = None) -> torch.Tensor:
    """Matching ratio of every RoI (Fig. 5).

    ``ratio_i = #{e in RoI i : |f_t^e - f_s^e| < threshold} / #{e in RoI i}``
    where the elements ``e`` are all channels of every feature cell inside
    RoI ``i`` (cells as :func:`roi_cell_masks` selects them for the mimic
    loss of Eq. 5/6).

    Args:
        t_feature (Tensor): Teacher map ``f_t``, (B, C, H, W).
        s_feature (Tensor): Student map after the adapter, ``r(f_s)``,
            (B, C, h, w); resized bilinearly to (H, W) when it differs, as
            the mimic loss does.
        rois (Tensor): (K, 5) ``[batch_idx, x1, y1, x2, y2]`` in pixels.
        stride (float): Stride of the teacher map in pixels.
        threshold (float): Match distance. Defaults to 0.3 (the paper's).
        quantizer (nn.Module, optional): ``Q`` applied to both maps first
            (the quantized pair of Fig. 5); None compares them as they are.

    Returns:
        Tensor: (K,) float64 ratios in [0, 1]; NaN for a RoI that covers no
        cell of the map (only possible for a box entirely off the map).
    """
    try:
        s_feature = align_to_teacher(s_feature, t_feature)
    except ValueError as err:
        raise ValueError(f'roi_matching_ratios: {err}') from None
    t_feature, s_feature = t_feature.detach(), s_feature.detach()
    if quantizer is not None:
        t_feature, s_feature = quantizer(t_feature), quantizer(s_feature)
    if rois.shape[0] == 0:
        return t_feature.new_zeros(0, dtype=torch.float64)
    cells = RoICells(rois, stride, *t_feature.shape[-2:],
                     dtype=torch.float64)
    return cells.matching_ratios(t_feature - s_feature, threshold)


def region_matching_ratios(loss: nn.Module,
                           t_features: Sequence[torch.Tensor],
                           s_features: Sequence[torch.Tensor],
                           rois: torch.Tensor,
                           strides: Sequence[float],
                           threshold: float = PAPER_THRESHOLD,
                           quantize: Optional[bool] = None) -> torch.Tensor:
    """Matching ratio of every region of a multi-level pair (Fig. 5 for a
    one-stage detector).

    ``ratio_i = #{matched e} / #{e}`` over the elements ``e`` of region
    ``i`` on all levels together: every channel of every cell the box covers
    at each level's stride (the cell rule of the mimic loss).

    Args:
        loss (nn.Module): The pair's ``MultiLevelQuantMimicLoss``.
        t_features (list[Tensor]): Teacher level maps.
        s_features (list[Tensor]): Student level maps after the adapters.
        rois (Tensor): (K, 5) ``[batch_idx, x1, y1, x2, y2]`` in pixels.
        strides (list[float]): The student's level strides.
        threshold (float): Match distance. Defaults to 0.3.
        quantize (bool, optional): None or True: compare the maps as the
            loss does (quantized when it has quantizers); False: the
            full-precision maps.

    Returns:
        Tensor: (K,) float64 ratios; NaN for a box on no cell.
    """
    hits = rois.new_zeros(rois.shape[0], dtype=torch.float64)
    elements = torch.zeros_like(hits)
    if rois.shape[0] == 0:
        return hits
    quantizers = loss.quantizers
    if quantize is False:
        loss.quantizers = None  # compare the maps unquantized
    try:
        for level, (t_map, s_map, stride) in enumerate(
                zip(t_features, s_features, strides)):
            student, target = loss.level_maps(level, s_map, t_map)
            diff = (target - student).double()
            cells = RoICells(rois, stride, *diff.shape[-2:],
                             dtype=torch.float64)
            hits += cells.sums((diff.abs() < threshold).sum(dim=1).double())
            elements += cells.cells_per_roi() * diff.shape[1]
    finally:
        loss.quantizers = quantizers
    return torch.where(elements > 0, hits / elements.clamp(min=1),
                       torch.full_like(hits, float('nan')))


def mimic_quantizer(distill_loss: nn.Module,
                    quantize: Optional[bool]) -> Optional[nn.Module]:
    """The ``Q`` to compare under: the loss's own unless overridden.

    Args:
        distill_loss (nn.Module): The mimic loss (``QuantMimicLoss``).
        quantize (bool, optional): None follows the loss (quantized iff it
            has a quantizer, i.e. Eq. 6 rather than Eq. 5); True forces
            ``Q`` (the loss's, else the paper's uniform stride-1 quantizer);
            False compares full-precision maps.

    Returns:
        nn.Module | None: The quantizer, or None.
    """
    own = getattr(distill_loss, 'quantizer', None)
    if quantize is None:
        return own
    if not quantize:
        return None
    return own if own is not None else UniformQuantizer(stride=1.0)


def mimic_mapping(distiller: nn.Module,
                  loss_name: Optional[str] = None) -> Tuple[str, dict]:
    """The distiller's mimic loss: the one fed ``s_feature`` and
    ``t_feature``.

    Args:
        distiller (nn.Module): An MMRazor ``ConfigurableDistiller``.
        loss_name (str, optional): Pick this loss; None takes the only one
            with both features.

    Returns:
        tuple[str, dict]: The loss name and its forward mapping.
    """
    mappings = distiller.loss_forward_mappings
    names = [name for name, mapping in mappings.items()
             if {'s_feature', 't_feature'} <= set(mapping)]
    if loss_name is not None:
        if loss_name not in names:
            raise ValueError(
                f'loss {loss_name!r} is not a feature mimic loss of this '
                f'distiller; choose one of {names}')
        return loss_name, mappings[loss_name]
    if len(names) != 1:
        raise ValueError(
            f'the distiller has {len(names)} feature mimic losses ({names}); '
            'name one with loss_name')
    return names[0], mappings[names[0]]


@torch.no_grad()
def collect_matching_ratios(algorithm: nn.Module,
                            batches: Iterable[dict],
                            threshold: float = PAPER_THRESHOLD,
                            quantize: Optional[bool] = None,
                            loss_name: Optional[str] = None) -> np.ndarray:
    """Matching ratios of a trained distillation pair over a data set.

    For every image, the teacher and the student run their feature
    extractors (the distiller's recorders capture ``f_t`` and ``f_s`` exactly
    as in training, and the trained adapter gives ``r(f_s)``); the RoIs are
    the student's test-time RPN proposals (in the network input's pixels,
    like the training RoIs of the loss).

    Args:
        algorithm (nn.Module): A built, loaded ``QuantizationMimicDistill``
            (any MMRazor single-teacher distillation of two-stage detectors).
        batches (Iterable[dict]): Test-pipeline batches (a dataloader).
        threshold (float): Match distance. Defaults to 0.3.
        quantize (bool, optional): See :func:`mimic_quantizer`.
        loss_name (str, optional): See :func:`mimic_mapping`.

    Returns:
        np.ndarray: One ratio per RoI (RoIs off the map dropped).
    """
    distiller = algorithm.distiller
    name, mapping = mimic_mapping(distiller, loss_name)
    loss = distiller.distill_losses[name]
    if not hasattr(algorithm.student, 'rpn_head'):  # one-stage: GT regions
        return _collect_region_ratios(algorithm, batches, mapping, loss,
                                      threshold, quantize)
    quantizer = mimic_quantizer(loss, quantize)
    stride = float(getattr(loss, 'teacher_stride', 16))
    algorithm.eval()
    ratios = []
    for batch in batches:
        data = algorithm.data_preprocessor(batch, False)
        inputs, samples = data['inputs'], data['data_samples']
        with distiller.teacher_recorders, distiller.student_recorders:
            algorithm.teacher.extract_feat(inputs)
            feats = algorithm.student.extract_feat(inputs)
            proposals = algorithm.student.rpn_head.predict(
                feats, samples, rescale=False)
            t_feature = distiller.get_record(**mapping['t_feature'])
            s_feature = distiller.get_record(**mapping['s_feature'])
        rois = bbox2roi([p.bboxes for p in proposals])
        found = roi_matching_ratios(t_feature, s_feature, rois, stride,
                                    threshold, quantizer)
        ratios.append(found[~torch.isnan(found)].cpu().numpy())
    return np.concatenate(ratios) if ratios else np.zeros(0)


def _collect_region_ratios(algorithm: nn.Module, batches: Iterable[dict],
                           mapping: dict, loss: nn.Module, threshold: float,
                           quantize: Optional[bool]) -> np.ndarray:
    """:func:`collect_matching_ratios` of a one-stage pair: one ratio per
    ground-truth face of the test images (ignored faces left out)."""
    distiller = algorithm.distiller
    strides = level_strides(algorithm.student.bbox_head.prior_generator)
    algorithm.eval()
    ratios: List[np.ndarray] = []
    for batch in batches:
        data = algorithm.data_preprocessor(batch, False)
        inputs, samples = data['inputs'], data['data_samples']
        with distiller.teacher_recorders, distiller.student_recorders:
            algorithm.teacher.extract_feat(inputs)
            algorithm.student.extract_feat(inputs)
            t_features = distiller.get_record(**mapping['t_feature'])
            s_features = distiller.get_record(**mapping['s_feature'])
        rois = boxes_to_rois([get_box_tensor(s.gt_instances.bboxes).float()
                              for s in samples]).to(inputs.device)
        found = region_matching_ratios(loss, t_features, s_features, rois,
                                       strides, threshold, quantize)
        ratios.append(found[~torch.isnan(found)].cpu().numpy())
    return np.concatenate(ratios) if ratios else np.zeros(0)


def plot_matching_ratio_histogram(ratios: Dict[str, np.ndarray],
                                  out_file: str,
                                  bins: int = 10,
                                  threshold: float = PAPER_THRESHOLD) -> str:
    """Save a Fig. 5-style histogram: share of RoIs per matching-ratio bin.

    Args:
        ratios (dict[str, np.ndarray]): Label -> per-RoI ratios, one bar
            series each (e.g. the fp and the quantized pair).
        out_file (str): PNG path.
        bins (int): Number of equal bins over [0, 1]. Defaults to 10.
        threshold (float): The match distance, for the title.

    Returns:
        str: ``out_file``.
    """
    # Figure + Agg canvas directly: no pyplot global backend state.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    edges = np.linspace(0.0, 1.0, bins + 1)
    width = (edges[1] - edges[0]) / (len(ratios) + 1)
    fig = Figure(figsize=(7, 5.2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for index, (label, values) in enumerate(ratios.items()):
        values = np.asarray(values, dtype=np.float64)
        counts, _ = np.histogram(values, bins=edges)
        share = counts / max(len(values), 1)
        mean = float(values.mean()) if len(values) else float('nan')
        ax.bar(edges[:-1] + (index + 0.5) * width, share, width=width,
               align='edge', label=f'{label} (mean {mean:.3f}, '
               f'{len(values)} RoIs)')
    ax.set_xticks(edges)
    ax.set_xlim(0, 1)
    ax.set_xlabel(f'matching ratio (share of RoI elements with '
                  f'|f_t - f_s| < {threshold:g})')
    ax.set_ylabel('frequency of RoIs')
    ax.set_title('Histogram of matching ratio (Quantization Mimic, Fig. 5)')
    ax.grid(True, axis='y', linestyle=':')
    # Below the axes: a bar may reach 1 anywhere along the x axis.
    ax.legend(loc='upper center', bbox_to_anchor=(0.5, -0.16),
              fontsize='small')
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    return out_file
