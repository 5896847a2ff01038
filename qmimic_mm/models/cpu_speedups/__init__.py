"""Speed-only overrides of mmdet and PyTorch code, for the tiny models on CPU.

Each module here computes what the plain mmdet / PyTorch code computes (the
same values, and the same gradients where it trains), only faster for the
1-16 channel detectors of the demo on a CPU; none is part of the method.
Each has a parity test against the plain code and a config switch that
restores it. The figures are single-thread CPU timings (the design notes,
"Speed paths", give the context; the benchmarks notes, "Training step",
the command):

* :func:`capped_nms` and :class:`CappedNMSRPNHead` (``rpn_head.type``,
  plain: ``'RPNHead'``): the proposal NMS stops once ``max_per_img`` boxes
  are kept; 8.9 vs 18.1 ms for mmcv's full NMS over R-FCN's 6000 test
  boxes. Off the CPU mmcv's NMS runs. Parity: the indices equal
  ``mmcv.ops.nms(...)[1][:max_num]``
  (``tests/test_models/test_cpu_speedups/test_capped_nms.py``), and the
  R-FCN detections equal those with ``RPNHead``
  (``tests/test_models/test_roi_heads/test_detections_before_after.py``).
* :class:`TinyConv2d` (``backbone.tiny_conv_stages``, plain: ``()``): picks
  PyTorch's native im2col kernel or oneDNN channels-last instead of oneDNN
  NCHW for 1-16 channel convolutions; conv1_2 of VGG-1-32, backward, 1.8 vs
  11.8 ms. Plain ``Conv2d`` off the CPU and while traced. Parity:
  ``test_tiny_conv.py`` (values and gradients of ``nn.Conv2d``) and
  ``test_train_step_tiny_conv.py`` (the demo student's training step).
* :func:`strided_max_pool2d` / :func:`strided_max_pool2d_with_grad`
  (``backbone.strided_pool`` / ``strided_pool_grad``, plain: ``False``):
  2x2 / stride-2 max pooling as the maximum of four strided views, without
  the argmax indices CPU ``max_pool2d`` always computes; VGG-1-32 pool1 at
  768x1024, 1.4 vs 8.0 ms (training, 2x192x256: 0.9 vs 1.3 ms). Parity:
  ``test_strided_max_pool.py`` (values and gradients bit-equal to
  ``F.max_pool2d``).
* :class:`ShallowCopyFasterRCNN` (``model.type``, plain: ``'FasterRCNN'``;
  or ``shallow_rpn_samples=False``): the RPN gets shallow copies of the data
  samples with zero labels instead of a deep copy of the batch; ~1 ms of
  the demo student's ~33 ms step. Parity:
  ``test_shallow_copy_faster_rcnn.py``.
* :class:`SameDeviceDetDataPreprocessor` (``data_preprocessor.type``, plain:
  ``'GrayDetDataPreprocessor'``; or ``skip_same_device_copy=False``): in
  training, data samples already on the model's device are not rebuilt;
  ~0.5 ms of the same step. Parity:
  ``test_same_device_det_data_preprocessor.py``.

Together (with PyTorch's fused SGD) they took the demo student's training
step from 46.2 to 33.5 ms and the Quantization Mimic step from 135.1 to
111.0 ms; ``test_train_step_overhead_cuts.py`` checks that the step with all
of them on equals the step with all of them off. The test files named above
are in ``tests/test_models/test_cpu_speedups/`` unless a path is given.
"""
from .capped_nms import capped_nms
from .capped_nms_rpn_head import CappedNMSRPNHead
from .same_device_det_data_preprocessor import SameDeviceDetDataPreprocessor
from .shallow_copy_faster_rcnn import ShallowCopyFasterRCNN
from .strided_max_pool import (strided_max_pool2d,
                               strided_max_pool2d_with_grad,
                               strided_pool_applies)
from .tiny_conv import TinyConv2d

__all__ = [
    'CappedNMSRPNHead', 'SameDeviceDetDataPreprocessor',
    'ShallowCopyFasterRCNN', 'TinyConv2d', 'capped_nms',
    'strided_max_pool2d', 'strided_max_pool2d_with_grad',
    'strided_pool_applies'
]
