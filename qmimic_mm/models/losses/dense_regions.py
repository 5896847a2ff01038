"""Mimic regions of a dense (one-stage, multi-level) detector.

The RoI mimic of Quantization Mimic (Eq. 6) reads the feature cells inside
region proposals. A one-stage detector has no proposals; its mimic regions
are chosen per level of its neck, on the grid where the head's priors lie:

* ``'boxes'``: each ground-truth box projected onto every level at that
  level's stride, with the cell rule of :func:`~.roi_cells.roi_cell_masks`
  (so a face smaller than a cell still covers one cell);
* ``'fine_grained'``: Wang et al. 2019's imitation mask: the locations where
  some prior has IoU >= ``psi`` x (the best IoU of any prior, on any level,
  with that box);
* ``'whole'``: every cell of every level (the whole-map baseline).

The masks are computed once per training step by
:class:`~qmimic_mm.models.recorders.DenseMimicRegionsRecorder` and consumed
by :class:`~.MultiLevelQuantMimicLoss`.
"""
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import torch
from mmdet.structures.bbox import bbox_overlaps

from .roi_cells import roi_cell_masks

REGION_MODES = ('boxes', 'fine_grained', 'whole')


@dataclass
class MimicRegions:
    """The mimic regions of one batch, per level of the student's neck.

    Attributes:
        masks (tuple[Tensor]): One (B, H_l, W_l) 0/1 float mask per level, on
            the grid of the student's level-``l`` map.
        strides (tuple[float]): The stride of each level in pixels.
        num_regions (int): ``N`` of Eq. 6: the ground-truth boxes of the
            batch for ``'boxes'``, the masked locations (Wang et al.'s
            ``N_p``, summed over levels) otherwise.
        mode (str): One of :data:`REGION_MODES`.
    """

    masks: Tuple[torch.Tensor, ...]
    strides: Tuple[float, ...]
    num_regions: int
    mode: str

    @property
    def num_levels(self) -> int:
        return len(self.masks)


def level_strides(prior_generator) -> Tuple[float, ...]:
    """The stride of each level of an mmdet prior generator, in pixels
    (its ``strides`` are ``(w, h)`` pairs or plain numbers; the heads the
    mimic supports use square strides)."""
    return tuple(float(s[0]) if isinstance(s, (tuple, list)) else float(s)
                 for s in prior_generator.strides)


def boxes_to_rois(boxes: Sequence[torch.Tensor]) -> torch.Tensor:
    """(K, 5) ``[batch_idx, x1, y1, x2, y2]`` from per-image (k_i, 4) boxes."""
    rois = [torch.cat([b.new_full((b.shape[0], 1), float(i)), b[:, :4]], 1)
            for i, b in enumerate(boxes)]
    return torch.cat(rois, 0) if rois else torch.zeros(0, 5)


def box_region_mask(rois: torch.Tensor, stride: float, batch_size: int,
                    height: int, width: int) -> torch.Tensor:
    """Union, per image, of the cells each box covers at ``stride``.

    Args:
        rois (Tensor): (K, 5) ``[batch_idx, x1, y1, x2, y2]`` in pixels.
        stride (float): The level's stride in pixels.
        batch_size (int): B.
        height (int): Grid height.
        width (int): Grid width.

    Returns:
        Tensor: (B, height, width) 0/1 float mask.
    """
    mask = torch.zeros(batch_size, height, width, device=rois.device)
    if rois.shape[0] == 0:
        return mask
    rows, cols = roi_cell_masks(rois.float(), stride, height, width)
    per_box = (rows[:, :, None] & cols[:, None, :]).float()  # (K, H, W)
    mask.index_add_(0, rois[:, 0].long(), per_box)
    return mask.clamp_(max=1.0)


def fine_grained_masks(priors: Sequence[torch.Tensor],
                       boxes: Sequence[torch.Tensor],
                       grid_sizes: Sequence[Tuple[int, int]],
                       num_base_priors: Sequence[int],
                       psi: float = 0.5) -> List[torch.Tensor]:
    """Wang et al. 2019's fine-grained imitation mask on every level.

    For each ground-truth box, the IoU with every prior of every level is
    computed; the threshold is ``psi`` x the largest of them, and every
    location with a prior at or above it joins the mask (the union over the
    image's boxes).

    Args:
        priors (list[Tensor]): Per level, (H_l * W_l * A_l, 4) prior boxes in
            mmdet's ``grid_priors`` order (location-major, then prior).
        boxes (list[Tensor]): Per image, (k_i, 4) ground-truth boxes.
        grid_sizes (list[tuple]): Per level, (H_l, W_l).
        num_base_priors (list[int]): Per level, priors per location A_l.
        psi (float): The share of the best IoU that keeps a location.
            Defaults to 0.5 (Wang et al.'s).

    Returns:
        list[Tensor]: Per level, a (B, H_l, W_l) 0/1 float mask.
    """
    all_priors = torch.cat(list(priors), 0)
    counts = [p.shape[0] for p in priors]
    masks = [all_priors.new_zeros(len(boxes), h, w) for h, w in grid_sizes]
    for image, image_boxes in enumerate(boxes):
        if image_boxes.shape[0] == 0:
            continue
        ious = bbox_overlaps(all_priors, image_boxes[:, :4].float())  # (P, G)
        best = ious.max(dim=0).values  # (G,)
        keep = ((ious >= psi * best[None]) & (best[None] > 0)).any(dim=1)
        for level, level_keep in enumerate(keep.split(counts)):
            h, w = grid_sizes[level]
            located = level_keep.view(h * w, num_base_priors[level]).any(1)
            masks[level][image] = located.view(h, w).float()
    return masks


def point_boxes(points: torch.Tensor, stride: float,
                scale: float) -> torch.Tensor:
    """Square boxes of side ``scale * stride`` around point priors.

    Anchor-free heads (FCOS, RTMDet) place points, not boxes; for the IoU of
    the fine-grained mask each point stands for the square box of side
    ``scale`` strides centred on it (ATSS's equivalence of a point and an
    anchor of 8 strides).
    """
    half = 0.5 * scale * stride
    centres = points[:, :2]
    return torch.cat([centres - half, centres + half], dim=1)
