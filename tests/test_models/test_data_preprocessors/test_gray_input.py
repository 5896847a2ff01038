"""A colour image given to a gray detector is converted as OpenCV does."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from conftest import CONFIGS
from qmimic_mm.models.data_preprocessors.gray_input import bgr_to_gray


def _bgr(seed=0, shape=(96, 128, 3)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def test_uint8_conversion_is_opencvs():
    bgr = _bgr()
    ours = bgr_to_gray(torch.from_numpy(bgr).permute(2, 0, 1))
    assert ours.shape == (1, 96, 128) and ours.dtype == torch.uint8
    assert np.array_equal(ours[0].numpy(),
                          cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))


# the full-scale config (mmdet's types, GrayDetDataPreprocessor) and the
# demo's (CPU speed overrides, SameDeviceDetDataPreprocessor)
@pytest.fixture(scope='module', params=[
    'rfcn/rfcn_vgg1-32_80k_wider.py', 'demo/rfcn_vgg1-32_demo.py'])
def gray_detector(request):
    from mmdet.apis import init_detector
    torch.manual_seed(0)
    # untrained weights; every box scored, so there are detections to match
    return init_detector(
        osp.join(CONFIGS, request.param), None,
        device='cpu', cfg_options={'model.test_cfg.rcnn.score_thr': 0.0})


def test_inference_detector_colour_equals_gray(gray_detector):
    from mmdet.apis import inference_detector
    bgr = _bgr(1)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    from_gray = inference_detector(gray_detector, gray).pred_instances
    from_bgr = inference_detector(gray_detector, bgr).pred_instances
    assert len(from_gray) > 0
    assert torch.equal(from_bgr.bboxes, from_gray.bboxes)
    assert torch.equal(from_bgr.scores, from_gray.scores)


def test_colour_with_a_colour_mean_is_left_as_is():
    """A colour detector's data preprocessor is mmdet's, unchanged."""
    from mmdet.models.data_preprocessors import DetDataPreprocessor
    from qmimic_mm.models.data_preprocessors import GrayDetDataPreprocessor
    colour = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                  bgr_to_rgb=True)
    data = dict(inputs=[torch.from_numpy(_bgr(2)).permute(2, 0, 1)])
    ours = GrayDetDataPreprocessor(**colour)(dict(data))['inputs']
    mmdet = DetDataPreprocessor(**colour)(dict(data))['inputs']
    assert ours.shape[1] == 3 and torch.equal(ours, mmdet)
