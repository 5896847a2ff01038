"""Run an exported detector (R-FCN or one-stage dense) in ONNX Runtime."""
import importlib
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from qmimic_mm.models.data_preprocessors.gray_input import bgr_to_gray
from qmimic_mm.utils import UserInputError

from .dense_head_network import is_dense_output_names
from .dense_rfcn import OUTPUT_NAMES
from .rfcn_graph import DETECTOR_OUTPUT_NAMES, detect_per_image


def import_onnxruntime() -> Any:
    """``onnxruntime``, or a one-line error with the install hint."""
    try:
        return importlib.import_module('onnxruntime')
    except ImportError as err:
        raise UserInputError(
            'onnxruntime is not installed: pip install onnx onnxruntime '
            '(or pip install -r requirements/optional.txt)') from err


def largest_difference(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Largest |difference| between two detection lists given as matching
    arrays or CPU tensors (boxes first, then e.g. scores and labels); inf
    if their detection counts differ, 0 if both are empty."""
    if len(a[0]) != len(b[0]):
        return float('inf')
    return max((float(np.abs(np.asarray(x, np.float64) -
                             np.asarray(y, np.float64)).max())
                if len(x) else 0.) for x, y in zip(a, b))


#: numpy dtypes of ONNX Runtime input type names (the detector graph's
#: ``image``).
ONNX_DTYPES = {'tensor(uint8)': np.uint8, 'tensor(float)': np.float32}

#: ONNX Runtime graph optimisation levels by name (``ort_session``).
GRAPH_OPTIMIZATION_LEVELS = ('disable', 'basic', 'extended', 'all')


def ort_session(onnx_file: str, threads: Optional[int] = None,
                graph_optimization: str = 'extended',
                profile_prefix: Optional[str] = None) -> Any:
    """A CPU ``InferenceSession`` with ``threads`` intra-op threads
    (default: torch's thread count), sequential execution and no inter-op
    parallelism.

    ``graph_optimization`` defaults to ``'extended'``, not ONNX Runtime's
    own default ``'all'``: ``'all'`` adds the layout optimisations, which
    rewrite the convolutions to the blocked NCHWc format, and on this
    project's CPUs (ONNX Runtime 1.32, 1 thread, 768x1024 gray input) that
    made both ends of Table 1 slower: the VGG-1-32 backbone 23.0 ms
    ('all') vs 16.3 ms ('extended'; the blocked format pads its 1-2
    channel layers to 8-channel blocks), the VGG16 R-FCN network 7087 vs
    5641 ms (not investigated further). Same outputs up to float
    rounding.

    ``profile_prefix`` turns on ONNX Runtime's per-node profiler, writing
    ``<prefix>_<date>.json`` (``session.end_profiling()`` returns the name).
    """
    ort = import_onnxruntime()
    if graph_optimization not in GRAPH_OPTIMIZATION_LEVELS:
        raise UserInputError(
            f'graph_optimization must be one of '
            f'{", ".join(GRAPH_OPTIMIZATION_LEVELS)}, got '
            f'{graph_optimization!r}')
    level = ort.GraphOptimizationLevel
    options = ort.SessionOptions()
    options.graph_optimization_level = {
        'disable': level.ORT_DISABLE_ALL,
        'basic': level.ORT_ENABLE_BASIC,
        'extended': level.ORT_ENABLE_EXTENDED,
        'all': level.ORT_ENABLE_ALL,
    }[graph_optimization]
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads or torch.get_num_threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    if profile_prefix is not None:
        options.enable_profiling = True
        options.profile_file_prefix = profile_prefix
    return ort.InferenceSession(onnx_file, options,
                                providers=['CPUExecutionProvider'])


class ORTDetector:
    """A detector run by ONNX Runtime, with ``model.test_step``'s
    interface (a dataloader batch in, ``DetDataSample`` s out).

    Two kinds of exported graph (:func:`~qmimic_mm.deployment.export_onnx`):

    * ``boundary='detector'`` (:data:`DETECTOR_OUTPUT_NAMES`): each image
      runs through the graph alone; the runner only rescales the boxes to
      the original image (``scale_factor``) and fills the data sample.
    * ``boundary='network'``: the detector's ``data_preprocessor``, the
      graph, then the detector's own post-processing in PyTorch: for
      R-FCN (:data:`OUTPUT_NAMES`) the RPN's ``predict_by_feat`` and
      R-FCN's ``predict_from_maps``; for a one-stage detector (outputs
      ``cls_score_<level>``..., ``bbox_pred_<level>``...) the dense head's
      ``predict_by_feat``.

    Args:
        onnx_file (str): File written by ``export_onnx``.
        detector (nn.Module): The detector built from the same config (its
            weights are not used; its metadata handling, and for
            ``'network'`` graphs its heads' test code, are).
        threads (int, optional): ONNX Runtime intra-op threads. Defaults
            to torch's thread count.
        graph_optimization (str): ONNX Runtime graph optimisation level
            (:func:`ort_session`). Defaults to ``'extended'``.
        profile_prefix (str, optional): Turn on ONNX Runtime's profiler
            (:func:`ort_session`).

    Example:
        >>> runner = ORTDetector('model.onnx', build_detector(cfg))
        >>> results = runner.test_step(batch)  # list of DetDataSample
    """

    def __init__(self, onnx_file: str, detector: nn.Module,
                 threads: Optional[int] = None,
                 graph_optimization: str = 'extended',
                 profile_prefix: Optional[str] = None) -> None:
        self.session = ort_session(onnx_file, threads, graph_optimization,
                                   profile_prefix)
        names = tuple(o.name for o in self.session.get_outputs())
        dense = is_dense_output_names(names)
        if names not in (OUTPUT_NAMES, DETECTOR_OUTPUT_NAMES) and not dense:
            raise UserInputError(
                f'{onnx_file}: outputs {names}, expected '
                f'{DETECTOR_OUTPUT_NAMES}, {OUTPUT_NAMES} or cls_score_<l>'
                '..., bbox_pred_<l>...; export it with '
                'tools/deployment/export_onnx.py')
        self.boundary = 'detector' if names == DETECTOR_OUTPUT_NAMES \
            else 'network'
        #: levels of a one-stage ``'network'`` graph (0: R-FCN or detector)
        self.dense_levels = len(names) // 2 if dense else 0
        if self.boundary == 'network' and (
                bool(self.dense_levels) != hasattr(detector, 'bbox_head')):
            raise UserInputError(
                f'{onnx_file}: a network graph with outputs {names} does not '
                f'fit the config\'s {type(detector).__name__}; export it '
                'from the same config')
        # the detector graph keeps the dtype it was traced with (uint8 from
        # the test pipeline); other images are cast to it
        self.image_dtype = ONNX_DTYPES.get(self.session.get_inputs()[0].type,
                                           np.float32)
        # a gray graph given colour images converts them as the torch
        # detector's data preprocessor does (gray_input.bgr_to_gray)
        channels = self.session.get_inputs()[0].shape[1]
        self.gray = channels == 1
        self.detector = detector.eval()

    def network(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """The raw outputs of a ``'network'`` graph for preprocessed
        inputs."""
        outs = self.session.run(
            None, {'inputs': inputs.detach().cpu().contiguous().numpy()})
        return [torch.from_numpy(o) for o in outs]

    def detect(self, image: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Boxes, scores and labels of a ``'detector'`` graph for one
        (C, H, W) image; a 3-channel BGR image given to a gray graph is
        converted to gray first."""
        image = image.detach().cpu()
        if self.gray and image.shape[0] == 3:
            image = bgr_to_gray(image)
        image = image[None].numpy()
        outs = self.session.run(
            None, {'image': np.ascontiguousarray(image, self.image_dtype)})
        return tuple(torch.from_numpy(o) for o in outs)

    @torch.no_grad()
    def test_step(self, data: Dict[str, Any]) -> list:
        """Detections for a dataloader batch, as ``model.test_step``."""
        det = self.detector
        if self.boundary == 'detector':
            return detect_per_image(det, data, self.detect)
        data = det.data_preprocessor(data, False)
        inputs, samples = data['inputs'], data['data_samples']
        metas = [s.metainfo for s in samples]
        if self.dense_levels:
            maps = self.network(inputs)
            levels = self.dense_levels
            results = det.bbox_head.predict_by_feat(
                maps[:levels], maps[levels:], batch_img_metas=metas,
                rescale=True)
            return det.add_pred_to_datasample(samples, results)
        rpn_cls, rpn_reg, cls_maps, reg_maps = self.network(inputs)
        proposals = det.rpn_head.predict_by_feat(
            [rpn_cls], [rpn_reg], batch_img_metas=metas, rescale=False)
        results = det.roi_head.predict_from_maps(
            (cls_maps, reg_maps), proposals, samples, rescale=True)
        return det.add_pred_to_datasample(samples, results)
