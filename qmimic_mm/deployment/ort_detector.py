"""Run an exported R-FCN in ONNX Runtime, with the detector's own
pre- and post-processing."""
import importlib
from typing import Any, Dict, List, Optional

import torch
from torch import nn

from qmimic_mm.utils import UserInputError

from .onnx_export import OUTPUT_NAMES


def import_onnxruntime() -> Any:
    """``onnxruntime``, or a one-line error with the install hint."""
    try:
        return importlib.import_module('onnxruntime')
    except ImportError as err:
        raise UserInputError(
            'onnxruntime is not installed: pip install onnx onnxruntime '
            '(or pip install -r requirements/optional.txt)') from err


def ort_session(onnx_file: str, threads: Optional[int] = None) -> Any:
    """A CPU ``InferenceSession`` with ``threads`` intra-op threads
    (default: torch's thread count) and no inter-op parallelism."""
    ort = import_onnxruntime()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or torch.get_num_threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(onnx_file, options,
                                providers=['CPUExecutionProvider'])


class ORTDetector:
    """An R-FCN detector whose network part runs in ONNX Runtime.

    ``test_step(data)`` does what the PyTorch detector's ``test_step``
    does: the detector's ``data_preprocessor``; the exported graph
    (:class:`~qmimic_mm.deployment.DenseRFCN`) in ONNX Runtime; then the
    detector's own RPN ``predict_by_feat`` (decoding, NMS), R-FCN
    ``predict_from_maps`` (PS-RoI pooling, voting, decoding, NMS) and
    ``add_pred_to_datasample``. Only the convolutions change runtime.

    Args:
        onnx_file (str): File written by
            :func:`~qmimic_mm.deployment.export_onnx`.
        detector (nn.Module): The detector built from the same config
            (its weights are not used; its heads' test code and configs
            are).
        threads (int, optional): ONNX Runtime intra-op threads. Defaults
            to torch's thread count.

    Example:
        >>> runner = ORTDetector('model.onnx', build_detector(cfg))
        >>> results = runner.test_step(batch)  # list of DetDataSample
    """

    def __init__(self, onnx_file: str, detector: nn.Module,
                 threads: Optional[int] = None) -> None:
        self.session = ort_session(onnx_file, threads)
        names = tuple(o.name for o in self.session.get_outputs())
        if names != OUTPUT_NAMES:
            raise UserInputError(
                f'{onnx_file}: outputs {names}, expected {OUTPUT_NAMES}; '
                'export it with tools/deployment/export_onnx.py')
        self.detector = detector.eval()

    def network(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """The four raw outputs of the graph for preprocessed inputs."""
        outs = self.session.run(
            None, {'inputs': inputs.detach().cpu().contiguous().numpy()})
        return [torch.from_numpy(o) for o in outs]

    @torch.no_grad()
    def test_step(self, data: Dict[str, Any]) -> list:
        """Detections for a dataloader batch, as ``model.test_step``."""
        det = self.detector
        data = det.data_preprocessor(data, False)
        inputs, samples = data['inputs'], data['data_samples']
        rpn_cls, rpn_reg, cls_maps, reg_maps = self.network(inputs)
        metas = [s.metainfo for s in samples]
        proposals = det.rpn_head.predict_by_feat(
            [rpn_cls], [rpn_reg], batch_img_metas=metas, rescale=False)
        results = det.roi_head.predict_from_maps(
            (cls_maps, reg_maps), proposals, samples, rescale=True)
        return det.add_pred_to_datasample(samples, results)
