"""rpn_data_samples gives the RPN what mmdet's deep copy gave it (zero
labels, same boxes and metainfo) without copying or touching the
caller's samples."""
import copy

import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from qmimic_mm.models.cpu_speedups.shallow_copy_faster_rcnn import \
    rpn_data_samples


def _sample() -> DetDataSample:
    sample = DetDataSample(metainfo=dict(img_shape=(32, 48), img_id=3))
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor([[1., 2., 10., 12.], [5., 5., 20., 30.]]),
        labels=torch.tensor([2, 0]))
    sample.ignored_instances = InstanceData(
        bboxes=torch.zeros(0, 4), labels=torch.zeros(0, dtype=torch.long))
    return sample


def test_same_content_as_the_deep_copy():
    samples = [_sample(), _sample()]
    deep = copy.deepcopy(samples)
    for s in deep:  # what TwoStageDetector.loss does
        s.gt_instances.labels = torch.zeros_like(s.gt_instances.labels)
    shallow = rpn_data_samples(samples)
    for got, want in zip(shallow, deep):
        assert type(got) is DetDataSample
        assert got.metainfo == want.metainfo
        assert set(got.keys()) == set(want.keys())
        assert set(got.gt_instances.keys()) == set(want.gt_instances.keys())
        for key in want.gt_instances.keys():
            assert torch.equal(got.gt_instances[key], want.gt_instances[key])
        assert torch.equal(got.ignored_instances.bboxes,
                           want.ignored_instances.bboxes)


def test_caller_samples_untouched_and_tensors_shared():
    samples = [_sample()]
    shallow = rpn_data_samples(samples)
    assert samples[0].gt_instances.labels.tolist() == [2, 0]
    assert shallow[0].gt_instances.labels.tolist() == [0, 0]
    assert shallow[0] is not samples[0]
    assert shallow[0].gt_instances is not samples[0].gt_instances
    assert shallow[0].gt_instances.bboxes is samples[0].gt_instances.bboxes
