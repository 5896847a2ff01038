"""The exportable pieces of the detector graph against the mmcv / mmdet
code they stand for, in PyTorch and in ONNX Runtime."""
import pytest
import torch
from mmcv.ops import nms
from mmdet.models.task_modules.coders import DeltaXYWHBBoxCoder

from qmimic_mm.deployment.onnx_nms import onnx_nms
from qmimic_mm.deployment.rfcn_graph import decode_deltas


def random_boxes(num: int, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    xy = torch.rand(num, 2, generator=gen) * 200
    wh = torch.rand(num, 2, generator=gen) * 60 + 1
    scores = torch.rand(num, generator=gen)  # distinct (float32 draws)
    return torch.cat([xy, xy + wh], 1), scores


class NMS(torch.nn.Module):

    def __init__(self, iou: float, score: float, max_num: int) -> None:
        super().__init__()
        self.args = (iou, score, max_num)

    def forward(self, boxes, scores):
        return onnx_nms(boxes, scores, *self.args)


@pytest.mark.parametrize('num,max_num', [(50, 300), (2000, 300), (700, 5)])
def test_onnx_nms_equals_mmcv(num, max_num):
    boxes, scores = random_boxes(num)
    keep = onnx_nms(boxes, scores, 0.5, -1., max_num)
    assert torch.equal(keep, nms(boxes, scores, 0.5)[1][:max_num])


def test_onnx_nms_score_threshold_is_strict():
    boxes = torch.tensor([[0., 0, 10, 10], [20, 20, 30, 30], [40, 0, 50, 9]])
    scores = torch.tensor([0.5, 0.01, 0.2])
    # 0.01 is not above the threshold 0.01 (mmdet: scores > score_thr)
    assert onnx_nms(boxes, scores, 0.3, 0.01, 10).tolist() == [0, 2]
    with pytest.raises(ValueError, match='max_num must be > 0'):
        onnx_nms(boxes, scores, 0.3, 0.01, 0)


@pytest.mark.parametrize('score_thr', [-1., 0.3])
def test_onnx_nms_runs_as_the_onnx_op(tmp_path, score_thr):
    """Exported, it is one NonMaxSuppression node that keeps the same boxes
    in the same order (distinct scores: no ties to break)."""
    ort = pytest.importorskip('onnxruntime')
    import onnx
    boxes, scores = random_boxes(2000, seed=1)
    out = str(tmp_path / 'nms.onnx')
    module = NMS(0.7, score_thr, 300)
    torch.onnx.export(module, (boxes, scores), out, dynamo=False,
                      opset_version=17, input_names=['boxes', 'scores'],
                      dynamic_axes={'boxes': {0: 'n'}, 'scores': {0: 'n'}})
    ops = [node.op_type for node in onnx.load(out).graph.node]
    assert ops.count('NonMaxSuppression') == 1
    session = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
    for num in (2000, 400):  # dynamic box count
        got, = session.run(None, {'boxes': boxes[:num].numpy(),
                                  'scores': scores[:num].numpy()})
        want = module(boxes[:num], scores[:num])
        assert got.tolist() == want.tolist()
        if num == 2000:
            assert len(want) == 300  # the cap, not the boxes, ends it


@pytest.mark.parametrize('num_classes', [1, 3])
def test_decode_deltas_equals_mmdet_coder(num_classes):
    gen = torch.Generator().manual_seed(0)
    rois, _ = random_boxes(40)
    deltas = torch.randn(40, 4 * num_classes, generator=gen)
    deltas[0, 2] = 9.  # beyond the wh_ratio_clip
    coder = DeltaXYWHBBoxCoder(target_means=[0., 0., 0., 0.],
                               target_stds=[0.1, 0.1, 0.2, 0.2])
    want = coder.decode(rois, deltas, max_shape=(150, 180))
    # coordinate-major in and out: (4, K) rois, (C, 4, K) deltas and boxes
    got = decode_deltas(rois.t(), deltas.view(40, -1, 4).permute(1, 2, 0),
                        coder, torch.tensor([150., 180.])).permute(2, 0, 1)
    assert got.shape == (40, num_classes, 4)
    # the same arithmetic, but exp in float64 (rounded): ~1% of the exps
    # differ from PyTorch's float32 exp by an ulp
    torch.testing.assert_close(got.reshape(40, -1), want, rtol=3e-7, atol=0)
    assert got[..., 0::2].max() == 180 and got[..., 1::2].max() == 150


def test_kept_anchor_priors_equal_mmdet_grid_priors():
    """RPNProposals builds the anchors of the kept indices only; they equal
    mmdet's single_level_grid_priors at those indices, bit for bit, on a
    map that is not square (row-major locations, 4 base anchors each)."""
    from mmdet.models.task_modules.prior_generators import AnchorGenerator

    from qmimic_mm.deployment.rfcn_graph import RPNProposals
    gen = AnchorGenerator(scales=[4, 8, 16, 32], ratios=[1.0], strides=[16])
    head = torch.nn.Module()
    head.use_sigmoid_cls, head.cls_out_channels = True, 1
    head.prior_generator, head.bbox_coder = gen, DeltaXYWHBBoxCoder()
    proposals = RPNProposals(head, dict(nms_pre=100))
    rpn_cls = torch.zeros(1, 4, 5, 7)
    index = torch.randperm(5 * 7 * 4,
                           generator=torch.Generator().manual_seed(0))
    got = proposals._priors(rpn_cls, index // 4, index % 4, index)
    want = gen.single_level_grid_priors((5, 7), 0, device='cpu')[index]
    assert got.shape == (4, 140)
    assert torch.equal(got.t(), want)


class PSRoIPoolModule(torch.nn.Module):

    def forward(self, feats, rois):
        from qmimic_mm.models.layers import ps_roi_pool
        return ps_roi_pool(feats, rois, 3, 1. / 16)


def test_ps_roi_pool_in_onnx_runtime_equals_torch(tmp_path):
    """The exported pooling (its own order of steps: pad, transpose, then
    the running sums) gives PyTorch's values, on two map sizes (dynamic)
    and RoIs partly outside the map."""
    ort = pytest.importorskip('onnxruntime')
    gen = torch.Generator().manual_seed(0)
    rois = torch.cat([torch.zeros(60, 1), random_boxes(60)[0] * 2 - 40], 1)
    feats = torch.randn(1, 54, 12, 17, generator=gen)
    out = str(tmp_path / 'ps_roi.onnx')
    torch.onnx.export(PSRoIPoolModule(), (feats, rois), out, dynamo=False,
                      opset_version=17, input_names=['feats', 'rois'],
                      dynamic_axes={'feats': {2: 'h', 3: 'w'},
                                    'rois': {0: 'k'}})
    session = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
    for shape in [(12, 17), (21, 9)]:
        maps = torch.randn(1, 54, *shape, generator=gen)
        got, = session.run(None, {'feats': maps.numpy(),
                                  'rois': rois.numpy()})
        want = PSRoIPoolModule()(maps, rois)
        assert got.shape == (60, 6, 3, 3)
        torch.testing.assert_close(torch.from_numpy(got), want, rtol=0,
                                   atol=0)
