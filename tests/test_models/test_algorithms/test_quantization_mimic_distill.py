"""QuantizationMimicDistill built from the real configs at toy size."""

import pytest
import torch
from mmdet.testing import demo_mm_inputs
from mmdet.utils import register_all_modules
from mmengine.config import Config
from mmrazor.registry import MODELS

from toy_configs import QM_CONFIG, toy_distill_model, write_toy_config


@pytest.fixture(scope='module', autouse=True)
def mmdet_scope():
    register_all_modules(init_default_scope=True)


def build(tmp_path, voc_root, base=QM_CONFIG, teacher_ckpt=None,
          options=None):
    path = write_toy_config(str(tmp_path / 'qm.py'), base, voc_root,
                            extra=toy_distill_model(teacher_ckpt))
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(options or {})
    return MODELS.build(cfg.model)


def batch(algorithm, seed=0):
    torch.manual_seed(seed)
    data = demo_mm_inputs(batch_size=2, image_shapes=[(3, 96, 128)] * 2,
                          num_items=[2, 1], num_classes=20)
    return algorithm.data_preprocessor(data, True)


def test_losses_are_logged_as_student_and_distill(tmp_path, voc_root):
    algorithm = build(tmp_path, voc_root)
    algorithm.train()
    data = batch(algorithm)
    losses = algorithm.loss(data["inputs"], data["data_samples"])
    assert {'student.loss_rpn_cls', 'student.loss_cls', 'student.loss_bbox',
            'distill.loss_mimic'} <= set(losses)
    assert torch.isfinite(losses['distill.loss_mimic'])
    total = sum(v.sum() for k, v in losses.items() if 'loss' in k
                and isinstance(v, torch.Tensor))
    total.backward()
    adapter = algorithm.distiller.connectors['adapter']
    assert adapter.conv_module.conv.weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in algorithm.teacher.parameters())


def test_teacher_is_frozen_and_in_eval_norm(tmp_path, voc_root):
    algorithm = build(tmp_path, voc_root)
    algorithm.train()
    assert not any(p.requires_grad for p in algorithm.teacher.parameters())
    norms = [m for m in algorithm.teacher.modules()
             if isinstance(m, torch.nn.BatchNorm2d)]
    assert norms and not any(m.training for m in norms)
    # The quantized teacher's neck is the project's quantizer.
    assert type(algorithm.teacher.neck).__name__ == 'UniformQuantizer'


@pytest.mark.parametrize('roi_source,expected', [('sampled', 2 * 128),
                                                 ('proposals', None)])
def test_roi_source(tmp_path, voc_root, roi_source, expected):
    options = {'model.distiller.student_recorders.rois.roi_source':
               roi_source}
    algorithm = build(tmp_path, voc_root, options=options)
    algorithm.train()
    data = batch(algorithm)
    algorithm.loss(data["inputs"], data["data_samples"])
    rois = algorithm.distiller.student_recorders.get_recorder(
        'rois').get_record_data()
    assert rois.shape[1] == 5 and set(rois[:, 0].tolist()) <= {0., 1.}
    if expected is not None:
        assert rois.shape[0] <= expected
    else:  # every RPN proposal: more than the 128 sampled per image
        assert rois.shape[0] > 2 * 128


def test_adapter_channel_mismatch_fails_at_build(tmp_path, voc_root):
    options = {'model.distiller.connectors.adapter.out_channel': 64}
    with pytest.raises(ValueError) as err:
        build(tmp_path, voc_root, options=options)
    message = str(err.value)
    assert 'model.distiller.connectors.adapter' in message
    assert '64' in message and '128' in message and 'out_channel' in message


def test_negative_lambda_fails_at_build(tmp_path, voc_root):
    options = {'model.distiller.distill_losses.loss_mimic.loss_weight': -0.5}
    with pytest.raises(ValueError, match='loss_weight'):
        build(tmp_path, voc_root, options=options)


def test_teacher_ckpt_missing_or_not_fitting(tmp_path, voc_root):
    with pytest.raises(FileNotFoundError, match='model.teacher_ckpt'):
        build(tmp_path, voc_root, teacher_ckpt=str(tmp_path / 'no.pth'))
    wrong = str(tmp_path / 'wrong.pth')
    torch.save({'state_dict': {'backbone.conv1.weight': torch.zeros(1),
                               'extra.weight': torch.zeros(1)}}, wrong)
    with pytest.raises(ValueError) as err:
        build(tmp_path, voc_root, teacher_ckpt=wrong)
    assert 'model.teacher_ckpt' in str(err.value)
    assert 'extra.weight' in str(err.value)


def test_teacher_ckpt_is_loaded(tmp_path, voc_root):
    algorithm = build(tmp_path, voc_root)
    ckpt = str(tmp_path / 'teacher.pth')
    state = {k: torch.full_like(v, 0.25) if v.is_floating_point() else v
             for k, v in algorithm.teacher.state_dict().items()}
    torch.save({'meta': {}, 'state_dict': state}, ckpt)
    loaded = build(tmp_path, voc_root, teacher_ckpt=ckpt)
    weight = loaded.teacher.backbone.conv1.weight
    assert torch.all(weight == 0.25)


def test_auto_roi_source_follows_the_sampler(tmp_path, voc_root):
    options = {'model.distiller.student_recorders.rois.roi_source': 'auto'}
    algorithm = build(tmp_path, voc_root, options=options)
    recorder = algorithm.distiller.student_recorders.get_recorder('rois')
    assert recorder.roi_source == 'sampled'  # Faster R-CNN: RandomSampler
    options['model.architecture.train_cfg'] = dict(rcnn=dict(sampler=dict(
        type='OHEMSampler', num=128, pos_fraction=0.25, neg_pos_ub=-1,
        add_gt_as_proposals=True)))
    algorithm = build(tmp_path, voc_root, options=options)
    recorder = algorithm.distiller.student_recorders.get_recorder('rois')
    assert recorder.roi_source == 'proposals'


def test_diagnostics_are_logged_not_optimised(tmp_path, voc_root):
    algorithm = build(tmp_path, voc_root)
    algorithm.train()
    data = batch(algorithm)
    losses = algorithm.loss(data['inputs'], data['data_samples'])
    diag = {k: float(v) for k, v in losses.items() if k.startswith('diag.')}
    assert set(diag) == {'diag.match_ratio', 'diag.dead_units',
                         'diag.mimic_det_ratio'}
    assert all('loss' not in k for k in diag)  # mmengine sums 'loss' keys
    assert 0 <= diag['diag.match_ratio'] <= 1
    assert 0 <= diag['diag.dead_units'] <= 1
    parsed = algorithm.parse_losses(losses)[1]  # mmengine's reduction
    det = sum(float(v) for k, v in parsed.items()
              if k.startswith('student.') and 'loss' in k)
    assert diag['diag.mimic_det_ratio'] == pytest.approx(
        float(losses['distill.loss_mimic']) / det, rel=1e-5)


def test_dead_unit_fraction_hand_case():
    from qmimic_mm.models.algorithms.quantization_mimic_distill import \
        dead_unit_fraction
    feat = torch.zeros(2, 4, 3, 3)
    feat[1, 0, 2, 2] = 0.5  # channel 0 alive in the second image only
    feat[0, 3] = 1.0
    assert float(dead_unit_fraction(feat)) == pytest.approx(0.5)


def test_loss_quantizer_takes_the_teacher_scale(tmp_path, voc_root):
    algorithm = build(tmp_path, voc_root)
    neck = algorithm.teacher.neck
    neck.calib_percentile_value.fill_(8.0)
    neck.calib_batches_seen.fill_(neck.calib_batches)
    ckpt = str(tmp_path / 'teacher_q.pth')
    torch.save({'meta': {}, 'state_dict': algorithm.teacher.state_dict()},
               ckpt)
    loaded = build(tmp_path, voc_root, teacher_ckpt=ckpt)
    loss_q = loaded.distiller.distill_losses['loss_mimic'].quantizer
    assert loaded.teacher.neck.stride == pytest.approx(8.0 / 40)
    assert loss_q.is_calibrated and loss_q.stride == pytest.approx(8.0 / 40)
