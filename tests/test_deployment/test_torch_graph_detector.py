"""The detector graph run by PyTorch (and, on a GPU, its CUDA graph)."""
import pytest
import torch

from qmimic_mm.analysis.flops import synthetic_batch
from qmimic_mm.deployment import CUDAGraphNetwork, TorchGraphDetector
from qmimic_mm.utils import UserInputError
from test_deployment.test_onnx_export import matched, seeded_student


def test_torch_graph_detector_equals_test_step():
    model = seeded_student()
    runner = TorchGraphDetector(model)
    batch = synthetic_batch(model, (200, 310), seed=2)
    batch['data_samples'][0].set_metainfo(dict(scale_factor=(0.5, 0.5)))
    with torch.no_grad():
        ref = model.test_step(batch)[0].pred_instances
    got = runner.test_step(batch)[0].pred_instances
    assert len(got) == len(ref) > 0
    assert matched(got, ref, 1e-3, 1e-7) and matched(ref, got, 1e-3, 1e-7)


def test_cuda_graph_needs_a_gpu_model():
    with pytest.raises(UserInputError, match='needs the detector on a CUDA'):
        TorchGraphDetector(seeded_student(), cuda_graph=True)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a GPU')
def test_cuda_graph_replays_the_network():
    model = seeded_student().cuda()
    network = TorchGraphDetector(model).graph.network
    graphed = CUDAGraphNetwork(network)
    for seed in (1, 2):  # the second call replays the captured graph
        inputs = torch.randn(1, 1, 160, 224, device='cuda',
                             generator=torch.Generator('cuda').manual_seed(
                                 seed))
        with torch.no_grad():
            want = network(inputs)
        got = graphed(inputs)
        for a, b in zip(got, want):
            torch.testing.assert_close(a, b)
