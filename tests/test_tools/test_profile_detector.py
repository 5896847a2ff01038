"""tools/analysis_tools/profile_detector.py on a tiny config."""
import importlib.util
import os.path as osp

import torch

from toy_configs import REPO

SPEC = importlib.util.spec_from_file_location(
    'profile_detector',
    osp.join(REPO, 'tools', 'analysis_tools', 'profile_detector.py'))
tool = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(tool)


def test_inference_parts_add_up_to_total():
    times = tool.profile_inference(
        osp.join(REPO, 'configs/rfcn/rfcn_vgg1-32_80k_wider.py'),
        shape=(192, 256), repeat=2, warmup=1)
    total = times['total']
    named = sum(v for k, v in times.items() if k not in ('other', 'total'))
    assert total > 0
    # the named parts cover the step within 10%
    assert abs(named - total) <= 0.1 * total
    for part in ('backbone', 'proposals (decode + NMS)',
                 'RoI pooling (PS-RoI / RoIAlign)', 'box decoding + NMS'):
        assert times[part] > 0, part
    assert abs(sum(v for k, v in times.items() if k != 'total') -
               total) < 1e-6 * total + 1e-9
    assert torch.get_num_threads() >= 1


def test_inference_parts_onnxruntime():
    """--runtime onnxruntime: one part for the ONNX Runtime call, the
    post-processing parts from PyTorch; parts still add up to the total."""
    import pytest
    pytest.importorskip('onnxruntime')
    times = tool.profile_inference(
        osp.join(REPO, 'configs/rfcn/rfcn_vgg1-32_80k_wider.py'),
        shape=(192, 256), repeat=2, warmup=1, runtime='onnxruntime')
    assert times[tool.NETWORK_PART] > 0
    assert times['backbone'] == 0  # ran inside the ONNX graph
    for part in ('preprocess', 'proposals (decode + NMS)',
                 'RoI pooling (PS-RoI / RoIAlign)', 'box decoding + NMS'):
        assert times[part] > 0, part
    assert abs(sum(v for k, v in times.items() if k != 'total') -
               times['total']) < 1e-6 * times['total'] + 1e-9
