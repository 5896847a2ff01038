"""SameDeviceDetDataPreprocessor returns what its parent
GrayDetDataPreprocessor (and, for gray images, mmdet's
DetDataPreprocessor) returns, passing data samples already on its device
through instead of rebuilding them."""
import torch
from mmdet.models.data_preprocessors import DetDataPreprocessor
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from qmimic_mm.models.cpu_speedups import SameDeviceDetDataPreprocessor
from qmimic_mm.models.data_preprocessors import GrayDetDataPreprocessor
from qmimic_mm.models.cpu_speedups.same_device_det_data_preprocessor import \
    on_device

KWARGS = dict(mean=[117.], std=[58.], bgr_to_rgb=False, pad_size_divisor=16)


def _batch(channels: int = 1):
    gen = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for h, w in ((30, 40), (33, 20)):
        inputs.append(torch.randint(0, 256, (channels, h, w), generator=gen,
                                    dtype=torch.uint8))
        sample = DetDataSample(metainfo=dict(img_shape=(h, w)))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor([[1., 2., 10., 12.]]),
            labels=torch.tensor([0]))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def test_same_output_and_no_rebuild():
    ref = DetDataPreprocessor(**KWARGS)(_batch(), True)
    batch = _batch()
    out = SameDeviceDetDataPreprocessor(**KWARGS)(batch, True)
    assert torch.equal(out['inputs'], ref['inputs'])
    for got, want, original in zip(out['data_samples'],
                                   ref['data_samples'],
                                   batch['data_samples']):
        assert got is original  # passed through
        assert got.metainfo == want.metainfo  # incl. batch_input_shape
        assert torch.equal(got.gt_instances.bboxes, want.gt_instances.bboxes)
        assert torch.equal(got.gt_instances.labels, want.gt_instances.labels)


def test_colour_images_as_the_gray_parent():
    ref = GrayDetDataPreprocessor(**KWARGS)(_batch(3), True)
    out = SameDeviceDetDataPreprocessor(**KWARGS)(_batch(3), True)
    assert out['inputs'].shape[1] == 1
    assert torch.equal(out['inputs'], ref['inputs'])


def test_switch_off_rebuilds_as_the_parent():
    batch = _batch()
    pre = SameDeviceDetDataPreprocessor(skip_same_device_copy=False,
                                        **KWARGS)
    out = pre(batch, True)
    assert all(got is not original for got, original in zip(
        out['data_samples'], batch['data_samples']))


def test_test_time_copies_as_the_parent():
    """training=False copies the samples, as mmdet does: predictions
    written into them must not land in the caller's batch (a second
    test_step on the same batch would overwrite the first's results)."""
    batch = _batch()
    out = SameDeviceDetDataPreprocessor(**KWARGS)(batch, False)
    ref = DetDataPreprocessor(**KWARGS)(_batch(), False)
    assert torch.equal(out['inputs'], ref['inputs'])
    assert all(got is not original for got, original in zip(
        out['data_samples'], batch['data_samples']))


def test_on_device():
    sample = _batch()['data_samples'][0]
    assert on_device(sample, torch.device('cpu'))
    assert not on_device(sample, torch.device('meta'))
    sample.proposals = InstanceData(bboxes=torch.zeros(1, 4, device='meta'))
    assert not on_device(sample, torch.device('cpu'))
