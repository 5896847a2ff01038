"""Mimic regions of dense detectors against hand cases."""
import pytest
import torch
from mmdet.models.task_modules.prior_generators import (AnchorGenerator,
                                                        MlvlPointGenerator)
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from qmimic_mm.models.losses.dense_regions import (box_region_mask,
                                                   boxes_to_rois,
                                                   fine_grained_masks,
                                                   point_boxes)
from qmimic_mm.models.recorders import DenseMimicRegionsRecorder


def _cells(mask: torch.Tensor) -> set:
    return {tuple(i) for i in mask.nonzero().tolist()}


def test_a_box_spanning_two_levels():
    # (x1, y1, x2, y2) = (0, 0, 40, 24): at stride 8 the columns
    # round(0/8)..round(40/8) = 0..5 and rows 0..3; at stride 16 columns
    # 0..round(2.5) = 0..3 (half away from zero) and rows 0..round(1.5) = 0..2.
    rois = torch.tensor([[0., 0., 0., 40., 24.]])
    fine = box_region_mask(rois, 8, 1, 8, 8)
    coarse = box_region_mask(rois, 16, 1, 4, 4)
    assert _cells(fine[0]) == {(y, x) for y in range(4) for x in range(6)}
    assert _cells(coarse[0]) == {(y, x) for y in range(3) for x in range(4)}


def test_a_box_smaller_than_one_cell_covers_one_cell():
    # a 4 px face at stride 16: round(9/16) = round(13/16) = 1
    rois = torch.tensor([[0., 9., 9., 13., 13.]])
    mask = box_region_mask(rois, 16, 1, 4, 4)
    assert _cells(mask[0]) == {(1, 1)}


def test_boxes_of_one_image_stay_in_that_image_and_overlaps_count_once():
    rois = boxes_to_rois([torch.zeros(0, 4),
                          torch.tensor([[0., 0., 8., 8.], [0., 0., 8., 8.]])])
    assert rois[:, 0].tolist() == [1.0, 1.0]
    mask = box_region_mask(rois, 8, 2, 4, 4)
    assert mask[0].sum() == 0  # the image without faces
    assert mask.max() == 1 and _cells(mask[1]) == {(0, 0), (0, 1), (1, 0),
                                                   (1, 1)}


def test_fine_grained_mask_keeps_locations_above_psi_times_the_best_iou():
    # One level, stride 8, one 16 px anchor per location of a 4x4 grid
    # (centres at 0, 8, 16, 24). The box (0, 0, 16, 16) matches the anchor
    # at (8, 8) exactly (IoU 1); the anchors at (0, 8), (8, 0), (16, 8),
    # (8, 16) have IoU 8*16 / (2*256 - 128) = 1/3 < 0.5, so only (1, 1)
    # is kept at psi = 0.5; at psi = 0.3 the four neighbours join, and the
    # diagonal ones (IoU 64 / 448 = 1/7) stay out.
    gen = AnchorGenerator(strides=[8], ratios=[1.0], base_sizes=[16],
                          scales=[1.0], center_offset=0.0)
    priors = gen.grid_priors([(4, 4)], device='cpu')
    box = [torch.tensor([[0., 0., 16., 16.]])]
    strict = fine_grained_masks(priors, box, [(4, 4)], [1], psi=0.5)[0]
    loose = fine_grained_masks(priors, box, [(4, 4)], [1], psi=0.3)[0]
    assert _cells(strict[0]) == {(1, 1)}
    assert _cells(loose[0]) == {(1, 1), (0, 1), (1, 0), (2, 1), (1, 2)}


def test_fine_grained_best_iou_is_over_all_levels():
    # Two levels; a 32 px box is matched exactly by the level-1 anchor
    # (32 px); the level-0 anchors (16 px) reach IoU 1/4 < 0.5 x 1, so
    # level 0 gets no location.
    gen = AnchorGenerator(strides=[8, 16], ratios=[1.0], base_sizes=[16, 32],
                          scales=[1.0], center_offset=0.0)
    priors = gen.grid_priors([(8, 8), (4, 4)], device='cpu')
    box = [torch.tensor([[0., 0., 32., 32.]])]
    level0, level1 = fine_grained_masks(priors, box, [(8, 8), (4, 4)],
                                        [1, 1], psi=0.5)
    assert level0.sum() == 0
    assert _cells(level1[0]) == {(1, 1)}


def test_point_priors_stand_for_squares_of_scale_strides():
    points = torch.tensor([[8., 4.]])
    assert point_boxes(points, 8, 2.0).tolist() == [[0., -4., 16., 12.]]


def _samples(*boxes):
    samples = []
    for b in boxes:
        sample = DetDataSample()
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor(b, dtype=torch.float32).reshape(-1, 4),
            labels=torch.zeros(len(b), dtype=torch.long))
        samples.append(sample)
    return samples


class _Head(torch.nn.Module):
    def __init__(self, generator):
        super().__init__()
        self.prior_generator = generator

    def loss(self, x, batch_data_samples):
        return {}


class _Detector(torch.nn.Module):
    def __init__(self, generator):
        super().__init__()
        self.bbox_head = _Head(generator)


@pytest.mark.parametrize('region', ['boxes', 'fine_grained', 'whole'])
def test_recorder_records_one_mask_per_level(region):
    model = _Detector(MlvlPointGenerator(strides=[8, 16], offset=0))
    recorder = DenseMimicRegionsRecorder(region=region)
    recorder.initialize(model)
    x = [torch.zeros(2, 3, 8, 8), torch.zeros(2, 3, 4, 4)]
    samples = _samples([[0., 0., 40., 24.]], [])
    with recorder:
        model.bbox_head.loss(x, samples)
    regions = recorder.get_record_data()
    assert [tuple(m.shape) for m in regions.masks] == [(2, 8, 8), (2, 4, 4)]
    assert regions.strides == (8.0, 16.0)
    if region == 'whole':
        assert regions.num_regions == 2 * (64 + 16)
        return
    assert all(m[1].sum() == 0 for m in regions.masks)  # no faces
    if region == 'boxes':
        assert regions.num_regions == 1
        assert regions.masks[0][0].sum() == 24
        assert regions.masks[1][0].sum() == 12
    else:
        assert regions.num_regions == sum(int(m.sum()) for m in regions.masks)
        assert regions.num_regions > 0


def test_recorder_bad_input():
    with pytest.raises(ValueError, match='region must be one of'):
        DenseMimicRegionsRecorder(region='gt')
    with pytest.raises(ValueError, match=r'psi must be in \(0, 1\]'):
        DenseMimicRegionsRecorder(psi=0)
    recorder = DenseMimicRegionsRecorder(source='roi_head')
    with pytest.raises(ValueError, match="no module 'roi_head'"):
        recorder.initialize(_Detector(MlvlPointGenerator(strides=[8])))
    recorder = DenseMimicRegionsRecorder()
    recorder.initialize(_Detector(MlvlPointGenerator(strides=[8])))
    with pytest.raises(RuntimeError, match='no regions were recorded'):
        recorder.get_record_data()
