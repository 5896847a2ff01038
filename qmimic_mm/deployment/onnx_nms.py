"""Greedy NMS that exports as the standard ONNX ``NonMaxSuppression`` op.

In PyTorch (eager, or while the exporter traces) :func:`onnx_nms` is
:func:`~qmimic_mm.models.cpu_speedups.capped_nms.capped_nms`, the project's
mmcv-equal NMS. In the exported graph it is one ``NonMaxSuppression`` node
with ``max_output_boxes_per_class``: ONNX Runtime's CPU kernel visits the
boxes by score and stops once that many are kept, which is what R-FCN's
test-time RPN needs (6000 candidates, 300 kept).

Both keep the same boxes; they may differ in two float-level ways: the IoU
is rounded differently (a box at exactly the threshold can flip), and boxes
of *equal* score are visited in an order of the kernel's choosing.
"""
import torch
from torch import Tensor

from qmimic_mm.models.cpu_speedups.capped_nms import capped_nms


class _NonMaxSuppression(torch.autograd.Function):
    """``forward``: the PyTorch NMS; ``symbolic``: its ONNX node."""

    @staticmethod
    def forward(ctx, boxes: Tensor, scores: Tensor, iou_threshold: float,
                score_threshold: float, max_num: int) -> Tensor:
        # While the exporter traces, only this node's output matters (its
        # symbolic stands for the computation): running the computation
        # untraced keeps its internal ops out of the traced graph, whose
        # optimiser otherwise trips over them.
        tracing_state = torch._C._get_tracing_state()
        torch._C._set_tracing_state(None)
        try:
            candidates = (scores > score_threshold).nonzero().view(-1)
            keep = capped_nms(boxes[candidates], scores[candidates],
                              iou_threshold, max_num)
            return candidates[keep]
        finally:
            torch._C._set_tracing_state(tracing_state)

    @staticmethod
    def symbolic(g, boxes, scores, iou_threshold: float,
                 score_threshold: float, max_num: int):
        def const(value, dtype):
            return g.op('Constant', value_t=torch.tensor([value], dtype=dtype))

        boxes = g.op('Unsqueeze', boxes, const(0, torch.int64))
        scores = g.op('Unsqueeze', scores,
                      g.op('Constant', value_t=torch.tensor([0, 1])))
        # (num_kept, 3) rows [batch, class, box index], by descending score
        selected = g.op('NonMaxSuppression', boxes, scores,
                        const(max_num, torch.int64),
                        const(iou_threshold, torch.float32),
                        const(score_threshold, torch.float32))
        return g.op('Gather', selected,
                    g.op('Constant', value_t=torch.tensor(2)), axis_i=1)


def onnx_nms(boxes: Tensor, scores: Tensor, iou_threshold: float,
             score_threshold: float, max_num: int) -> Tensor:
    """Indices of the boxes greedy NMS keeps, by descending score.

    Boxes scoring ``<= score_threshold`` take no part; at most ``max_num``
    are kept (the first ``max_num`` survivors, as ``mmcv.ops.nms(...)[:
    max_num]``).

    Args:
        boxes (Tensor): (N, 4) float32 ``x1, y1, x2, y2``.
        scores (Tensor): (N,) float32.
        iou_threshold (float): Suppress boxes overlapping a kept box by
            more than this.
        score_threshold (float): Ignore boxes scoring at or below this.
        max_num (int): Most boxes kept (> 0).

    Returns:
        Tensor: (M,) int64 indices into ``boxes``, M <= ``max_num``.
    """
    if max_num <= 0:
        raise ValueError(f'max_num must be > 0 for an exportable NMS, got '
                         f'{max_num}')
    return _NonMaxSuppression.apply(boxes, scores, float(iou_threshold),
                                    float(score_threshold), int(max_num))
