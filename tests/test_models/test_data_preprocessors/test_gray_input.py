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


# the full-scale configs (mmdet's types, GrayDetDataPreprocessor), R-FCN
# and one-stage, and the demo's (CPU speed overrides,
# SameDeviceDetDataPreprocessor)
@pytest.fixture(scope='module', params=[
    'rfcn/rfcn_vgg1-32_80k_wider.py', 'demo/rfcn_vgg1-32_demo.py',
    'rtmdet/rtmdet_cspnext-1-32_80k_wider.py',
    'retinanet/retinanet_r18-1-32_80k_wider.py'])
def gray_detector(request):
    from mmdet.apis import init_detector
    torch.manual_seed(0)
    # untrained weights; every box scored and kept (an untrained RTMDet's
    # boxes have about zero size), so there are detections to match
    options = ({'model.test_cfg.rcnn.score_thr': 0.0}
               if 'rfcn' in request.param else
               {'model.test_cfg.score_thr': 0.0,
                'model.test_cfg.min_bbox_size': -1})
    return init_detector(
        osp.join(CONFIGS, request.param), None, device='cpu',
        cfg_options=options)


def test_inference_detector_colour_equals_gray(gray_detector):
    from mmdet.apis import inference_detector
    bgr = _bgr(1)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    from_gray = inference_detector(gray_detector, gray).pred_instances
    from_bgr = inference_detector(gray_detector, bgr).pred_instances
    assert len(from_gray) > 0
    assert torch.equal(from_bgr.bboxes, from_gray.bboxes)
    assert torch.equal(from_bgr.scores, from_gray.scores)


def test_gray_preprocessor_converts_colour_only_for_a_gray_model():
    from mmdet.models.data_preprocessors import DetDataPreprocessor

    from qmimic_mm.models.data_preprocessors import GrayDetDataPreprocessor
    bgr = _bgr(2, (30, 40, 3))
    colour = torch.from_numpy(bgr).permute(2, 0, 1).contiguous()
    gray = torch.from_numpy(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))[None]
    gray_kwargs = dict(mean=[117.], std=[58.], pad_size_divisor=16)
    got = GrayDetDataPreprocessor(**gray_kwargs)(dict(inputs=[colour]))
    want = DetDataPreprocessor(**gray_kwargs)(dict(inputs=[gray]))
    assert got['inputs'].shape == (1, 1, 32, 48)
    assert torch.equal(got['inputs'], want['inputs'])
    # a colour model keeps its three channels
    colour_kwargs = dict(mean=[1., 2., 3.], std=[4., 5., 6.])
    got = GrayDetDataPreprocessor(**colour_kwargs)(dict(inputs=[colour]))
    want = DetDataPreprocessor(**colour_kwargs)(dict(inputs=[colour]))
    assert torch.equal(got['inputs'], want['inputs'])
