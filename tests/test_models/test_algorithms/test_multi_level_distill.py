"""One-stage Quantization Mimic: QuantizationMimicDistill on the RTMDet and
RetinaNet configs at toy size (multi-level regions, adapters, quantizers)."""
import os.path as osp

import pytest
import torch
from mmdet.testing import demo_mm_inputs
from mmdet.utils import register_all_modules
from mmengine.config import Config
from mmrazor.registry import MODELS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
RTMDET_QM = 'qmimic/rtmdet_cspnext-1-32_wider.py'
RETINA_QM = 'qmimic/retinanet_r18-1-32_wider.py'


@pytest.fixture(scope='module', autouse=True)
def mmdet_scope():
    register_all_modules(init_default_scope=True)


def build(config=RTMDET_QM, teacher_ckpt=None, options=None):
    cfg = Config.fromfile(osp.join(REPO, 'configs', config))
    cfg.model.teacher_ckpt = teacher_ckpt
    cfg.merge_from_dict(options or {})
    return MODELS.build(cfg.model)


def batch(algorithm, num_items=(2, 0), seed=0):
    torch.manual_seed(seed)
    data = demo_mm_inputs(batch_size=2, image_shapes=[(1, 96, 128)] * 2,
                          num_items=list(num_items), num_classes=2)
    for sample in data['data_samples']:  # one class: faces
        sample.gt_instances.labels.zero_()
    return algorithm.data_preprocessor(data, True)


def test_one_step_logs_mimic_and_per_level_diagnostics():
    algorithm = build()
    algorithm.train()
    data = batch(algorithm)  # the second image has no face
    losses = algorithm.loss(data['inputs'], data['data_samples'])
    assert {'student.loss_cls', 'student.loss_bbox',
            'distill.loss_mimic'} <= set(losses)
    assert torch.isfinite(losses['distill.loss_mimic'])
    for level in range(3):
        assert f'diag.dead_units.l{level}' in losses
    assert 0 <= float(losses['diag.match_ratio']) <= 1
    algorithm.parse_losses(losses)[0].backward()
    adapters = algorithm.distiller.connectors['adapters'].adapters
    assert len(adapters) == 3
    assert all(a.conv_module.conv.weight.grad.abs().sum() > 0
               for a in adapters)
    assert all(p.grad is None for p in algorithm.teacher.parameters())
    # one calibrated quantizer per level, each measured on its own level
    quantizers = algorithm.distiller.distill_losses['loss_mimic'].quantizers
    assert [int(q.calib_batches_seen) for q in quantizers] == [1, 1, 1]


def test_a_batch_without_faces_adds_nothing_and_no_nan():
    algorithm = build()
    algorithm.train()
    data = batch(algorithm, num_items=(0, 0))
    losses = algorithm.loss(data['inputs'], data['data_samples'])
    assert float(losses['distill.loss_mimic']) == 0.0
    parsed = algorithm.parse_losses(losses)[1]  # mmengine's reduction
    assert all(torch.isfinite(v) for v in parsed.values())


def test_teacher_per_level_scales_reach_the_loss(tmp_path):
    algorithm = build()
    teacher_qs = algorithm.teacher.neck.quantizers
    for level, q in enumerate(teacher_qs):
        q.calib_percentile_value.fill_(4.0 * (level + 1))
        q.calib_batches_seen.fill_(q.calib_batches)
    ckpt = str(tmp_path / 'teacher_q.pth')
    torch.save({'meta': {}, 'state_dict': algorithm.teacher.state_dict()},
               ckpt)
    loaded = build(teacher_ckpt=ckpt)
    loss_qs = loaded.distiller.distill_losses['loss_mimic'].quantizers
    assert [q.stride for q in loss_qs] == pytest.approx([0.1, 0.2, 0.3])
    assert all(q.is_calibrated for q in loss_qs)
    # the loss's scales travel in the distillation checkpoint
    state = loaded.state_dict()
    key = 'distiller.distill_losses.loss_mimic.quantizers.2.' \
          'calib_percentile_value'
    assert float(state[key]) == pytest.approx(12.0)


def test_a_level_that_does_not_exist_fails_at_build():
    options = {'model.distiller.loss_forward_mappings.loss_mimic.t_feature.'
               'data_idx': 5}
    with pytest.raises(ValueError) as err:
        build(options=options)
    message = str(err.value)
    assert 'loss_forward_mappings.loss_mimic.t_feature.data_idx=5' in message
    assert '[0, 1, 2]' in message


def test_adapter_channels_that_do_not_fit_fail_at_build():
    options = {'model.distiller.connectors.adapters.out_channels': 32}
    with pytest.raises(ValueError) as err:
        build(options=options)
    message = str(err.value)
    assert 'model.distiller.connectors.adapters' in message
    assert '32 channels at level 0' in message and '64' in message


def test_retinanet_five_levels_signed_quantizers():
    algorithm = build(RETINA_QM)
    algorithm.train()
    data = batch(algorithm, num_items=(3, 1))
    losses = algorithm.loss(data['inputs'], data['data_samples'])
    assert torch.isfinite(losses['distill.loss_mimic'])
    assert float(losses['distill.loss_mimic']) > 0
    loss = algorithm.distiller.distill_losses['loss_mimic']
    assert len(loss.quantizers) == 5 and loss.quantizers[0].signed
    assert {f'diag.dead_units.l{i}' for i in range(5)} <= set(losses)
