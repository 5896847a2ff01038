"""The demo student's training step with TinyConv2d equals the step with
plain ``Conv2d`` layers (the implementation before the TinyConv2d training
cut): same fixed weights, same two images and boxes, same seed; every loss
and every parameter gradient is compared.

Tolerances: the layers compute the same convolutions in another summation
order (float32 rounding), so losses must agree to ``rel=1e-5`` and each
gradient tensor to 1e-4 of its largest entry (measured: 1.0e-7 and 8.1e-6
on this batch, step 0).
"""
import os.path as osp
from typing import Dict

import pytest
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

from qmimic_mm.analysis.flops import load_detector_config
from qmimic_mm.models.cpu_speedups import TinyConv2d

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
DEMO_STUDENT = osp.join(REPO, 'configs/demo/rfcn_vgg1-32_demo.py')


def build_student(tiny_conv_stages) -> torch.nn.Module:
    """The demo student with the given ``backbone.tiny_conv_stages``."""
    cfg = load_detector_config(
        DEMO_STUDENT, {'model.backbone.tiny_conv_stages': tiny_conv_stages})
    init_default_scope('mmdet')
    return MODELS.build(cfg.model)


def training_batch() -> Dict[str, list]:
    """Two gray images (192x256, 192x224) with three and two faces."""
    gen = torch.Generator().manual_seed(1)
    images, samples = [], []
    cases = (((192, 256), [[20, 30, 70, 90], [120, 40, 150, 80],
                           [180, 100, 240, 170]]),
             ((192, 224), [[10, 10, 40, 50], [100, 60, 190, 160]]))
    for (h, w), boxes in cases:
        image = torch.randint(0, 256, (1, h, w), generator=gen,
                              dtype=torch.uint8)
        for x1, y1, x2, y2 in boxes:  # brighter faces than the background
            image[:, y1:y2, x1:x2] //= 2
            image[:, y1:y2, x1:x2] += 128
        sample = DetDataSample(metainfo=dict(
            img_id=len(images), img_shape=(h, w), ori_shape=(h, w),
            scale_factor=(1., 1.), flip=False))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor(boxes, dtype=torch.float32),
            labels=torch.zeros(len(boxes), dtype=torch.long))
        images.append(image)
        samples.append(sample)
    return dict(inputs=images, data_samples=samples)


def loss_and_grads(model, batch, seed=0):
    """Losses and parameter gradients of one training forward/backward."""
    model.train()
    model.zero_grad()
    torch.manual_seed(seed)  # the RPN's random sampler
    data = model.data_preprocessor(batch, True)
    losses = model(**data, mode='loss')
    loss, log_vars = model.parse_losses(losses)
    loss.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()
             if p.grad is not None}
    return {k: float(v.detach()) for k, v in log_vars.items()}, grads


def assert_same_step(reference, result) -> None:
    """Two ``loss_and_grads`` results agree: every loss to rel 1e-5, every
    gradient tensor to 1e-4 of its largest entry."""
    (ref_logs, ref_grads), (logs, grads) = reference, result
    assert set(logs) == set(ref_logs)
    for key, value in ref_logs.items():
        assert logs[key] == pytest.approx(value, rel=1e-5, abs=1e-7), key
    assert set(grads) == set(ref_grads)
    for name, ref in ref_grads.items():
        scale = ref.abs().max().clamp(min=1e-8)
        err = (grads[name] - ref).abs().max() / scale
        assert err < 1e-4, (name, float(err))


def assert_same_steps(before, after, batch, steps: int = 2) -> None:
    """``before`` and ``after`` (same weights) give the same losses and
    gradients over ``steps`` steps, each followed by the same plain SGD
    update of both (so later steps start from moved weights)."""
    for step in range(steps):
        reference = loss_and_grads(before, batch, seed=step)
        assert reference[0]['loss'] > 0
        assert_same_step(reference, loss_and_grads(after, batch, seed=step))
        with torch.no_grad():
            for model in (before, after):
                for name, param in model.named_parameters():
                    if name in reference[1]:
                        param -= 0.01 * reference[1][name]


@pytest.mark.parametrize('stages', [(0, 1, 2, 3, 4), (0, 1)])
def test_training_step_equals_plain_conv(stages):
    torch.manual_seed(0)
    plain = build_student(())
    plain.init_weights()
    tiny = build_student(stages)
    tiny.load_state_dict(plain.state_dict())
    assert isinstance(tiny.backbone.stage1[0].conv, TinyConv2d)
    assert type(plain.backbone.stage1[0].conv) is torch.nn.Conv2d

    assert_same_steps(plain, tiny, training_batch())
