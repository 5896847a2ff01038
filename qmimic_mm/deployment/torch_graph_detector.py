"""The detector graph run by PyTorch, optionally replaying its network from
a CUDA graph.

On a GPU a tiny detector is launch-bound: VGG-1-32's convolutions take a
fraction of a millisecond, but each of the network's ~60 kernels and the
Python around it costs host time. :class:`TorchGraphDetector` runs
:class:`~qmimic_mm.deployment.RFCNDetectionGraph` (the same steps as
``model.test_step``, without mmdet's per-level loops and data structures)
and, with ``cuda_graph=True``, captures the network part
(:class:`~qmimic_mm.deployment.DenseRFCN`: backbone, RPN convs, score-map
convs) once per input size in a ``torch.cuda.CUDAGraph`` and replays it, so
the whole network is one launch. The proposals and the R-FCN head stay
eager (their sizes depend on the data).
"""
from typing import Any, Dict, Tuple

import torch
from torch import Tensor, nn

from qmimic_mm.utils import UserInputError

from .detector_graphs import detection_graph
from .rfcn_graph import detect_per_image


class CUDAGraphNetwork(nn.Module):
    """A network replayed from CUDA graphs, one captured per input shape.

    Args:
        network (nn.Module): Module to capture (eval mode, CUDA, no host
            synchronisation inside its forward).
        warmup (int): Eager calls on a side stream before capturing (lets
            cuDNN pick its algorithms and the allocator settle).
    """

    def __init__(self, network: nn.Module, warmup: int = 3) -> None:
        super().__init__()
        self.network = network
        self.warmup = warmup
        self._graphs: Dict[Tuple[int, ...], Any] = {}

    def _capture(self, inputs: Tensor) -> Any:
        static_in = inputs.clone()
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            for _ in range(self.warmup):
                self.network(static_in)
        torch.cuda.current_stream().wait_stream(stream)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            static_out = self.network(static_in)
        return graph, static_in, static_out

    @torch.no_grad()
    def forward(self, inputs: Tensor) -> Tuple[Tensor, ...]:
        """The network's outputs for ``inputs``. They live in the graph's
        static buffers: read them before the next call."""
        key = tuple(inputs.shape)
        if key not in self._graphs:
            self._graphs[key] = self._capture(inputs)
        graph, static_in, static_out = self._graphs[key]
        static_in.copy_(inputs)
        graph.replay()
        return static_out


class TorchGraphDetector:
    """A detector run as its exportable graph in PyTorch
    (:class:`~qmimic_mm.deployment.RFCNDetectionGraph` or, one-stage,
    :class:`~qmimic_mm.deployment.DenseHeadDetectionGraph`), with
    ``model.test_step``'s interface.

    Args:
        detector (nn.Module): The R-FCN or single-stage dense detector (its
            device is used).
        cuda_graph (bool): Replay the network part from a CUDA graph
            (:class:`CUDAGraphNetwork`; CUDA only). Defaults to False.
        config (str): Config name for error messages.

    Example:
        >>> runner = TorchGraphDetector(model.cuda(), cuda_graph=True)
        >>> results = runner.test_step(batch)  # list of DetDataSample
    """

    def __init__(self, detector: nn.Module, cuda_graph: bool = False,
                 config: str = 'model') -> None:
        self.detector = detector.eval()
        self.graph = detection_graph(detector, config).eval()
        self.device = next(detector.parameters()).device
        if cuda_graph:
            if self.device.type != 'cuda':
                raise UserInputError(
                    'cuda_graph=True needs the detector on a CUDA device '
                    '(--device cuda)')
            self.graph.network = CUDAGraphNetwork(self.graph.network)

    def detect(self, image: Tensor) -> Tuple[Tensor, ...]:
        """Boxes, scores and labels for one (C, H, W) image."""
        return self.graph(image.to(self.device, non_blocking=True)[None])

    @torch.no_grad()
    def test_step(self, data: Dict[str, Any]) -> list:
        """Detections for a dataloader batch, as ``model.test_step``."""
        return detect_per_image(self.detector, data, self.detect)
