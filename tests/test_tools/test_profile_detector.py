"""tools/analysis_tools/profile_detector.py on a tiny config."""
import os.path as osp

import pytest
import torch

from toy_configs import REPO, load_tool

tool = load_tool('tools/analysis_tools/profile_detector.py',
                 'profile_detector')


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
    """--runtime onnxruntime: the whole detector runs as one graph; ONNX
    Runtime's per-node profile splits it into the same parts by node name,
    the rest of the call is its own part, and all add up to the total."""
    import pytest
    pytest.importorskip('onnxruntime')
    times = tool.profile_inference(
        osp.join(REPO, 'configs/rfcn/rfcn_vgg1-32_80k_wider.py'),
        shape=(192, 256), repeat=2, warmup=1, runtime='onnxruntime')
    for part in ('preprocess', 'backbone', 'RPN head', 'R-FCN score maps',
                 'proposals (decode + NMS)',
                 'RoI pooling (PS-RoI / RoIAlign)', 'R-FCN voting / RoI head',
                 'box decoding + NMS'):
        assert times[part] > 0, part
    assert times[tool.ORT_OTHER] >= 0
    assert abs(sum(v for k, v in times.items() if k != 'total') -
               times['total']) < 1e-6 * times['total'] + 1e-9


def test_graph_part_times_reads_an_ort_profile(tmp_path):
    """Hand-made profile: warm-up runs are skipped, nodes go to the first
    matching prefix, unmatched nodes to their own part."""
    import json
    from qmimic_mm.analysis.ort_profile import UNNAMED_PART, graph_part_times
    events = []
    for run, start in enumerate((0, 1000, 2000)):
        events.append(dict(cat='Session', name='model_run', ts=start,
                           dur=900))
        for name, dur in (('/a/b/Conv', 100), ('/a/Add', 10 * (run + 1)),
                          ('/Shape', 4)):
            events.append(dict(cat='Node', name=name + '_kernel_time',
                               ts=start + 10, dur=dur))
            events.append(dict(cat='Node', name=name + '_fence_before',
                               ts=start + 10, dur=999))
    profile = tmp_path / 'p.json'
    profile.write_text(json.dumps(events))
    prefixes = (('/a/b/', 'conv'), ('/a/', 'rest'))
    times = graph_part_times(str(profile), 2, prefixes)
    # runs 2 and 3: /a/Add took 20 and 30 us
    assert times == {'conv': 0.1, 'rest': 0.025, UNNAMED_PART: 0.004}
    with pytest.raises(ValueError, match='3 runs recorded, 4 asked for'):
        graph_part_times(str(profile), 4, prefixes)
