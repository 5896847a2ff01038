"""Distillation end to end through the user's tools, at toy size:
train a teacher, distill a student with tools/train.py, extract the student
and evaluate it with tools/test.py and the student's own config."""
import os.path as osp
import re

import pytest

from conftest import run_tool
from toy_configs import (QM_CONFIG, TOY_TEACHER_MODEL, toy_distill_model,
                         write_toy_config, write_wider_toy_config)

VOC_TEACHER = 'faster_rcnn/faster-rcnn_r18-dc5_40k_voc0712.py'
VOC_STUDENT = 'faster_rcnn/faster-rcnn_r18-1-16-dc5_40k_voc0712.py'


def _train(config: str, work_dir: str) -> str:
    result = run_tool(['tools/train.py', config, '--work-dir', work_dir])
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


def _train_losses(log: str) -> set:
    lines = [line for line in log.splitlines() if 'Iter(train)' in line]
    return set(re.findall(r'(\w+\.loss_\w+):', lines[-1])) if lines else set()


def test_voc_quantization_mimic_train_extract_test(voc_root, tmp_path):
    teacher_cfg = write_toy_config(str(tmp_path / 'teacher.py'), VOC_TEACHER,
                                   voc_root, iters=2, extra=TOY_TEACHER_MODEL)
    _train(teacher_cfg, str(tmp_path / 'teacher'))
    teacher_ckpt = str(tmp_path / 'teacher' / 'iter_2.pth')

    qm_cfg = write_toy_config(str(tmp_path / 'qm.py'), QM_CONFIG, voc_root,
                              iters=4, extra=toy_distill_model(teacher_ckpt))
    log = _train(qm_cfg, str(tmp_path / 'qm'))
    losses = _train_losses(log)
    assert 'distill.loss_mimic' in losses
    assert {'student.loss_cls', 'student.loss_rpn_cls'} <= losses
    assert 'pascal_voc/mAP' in log  # validation evaluates the student

    student_ckpt = str(tmp_path / 'student.pth')
    extracted = run_tool([
        'tools/model_converters/extract_student.py',
        str(tmp_path / 'qm' / 'iter_4.pth'), student_ckpt
    ])
    assert extracted.returncode == 0, extracted.stderr[-2000:]
    student_cfg = write_toy_config(str(tmp_path / 'student.py'), VOC_STUDENT,
                                   voc_root, extra='''
model = dict(rpn_head=dict(anchor_generator=dict(scales=[2, 4])))
''')
    tested = run_tool(['tools/test.py', student_cfg, student_ckpt,
                       '--work-dir', str(tmp_path / 'test')])
    assert tested.returncode == 0, tested.stderr[-3000:]
    output = tested.stdout + tested.stderr
    assert 'pascal_voc/mAP' in output
    assert 'unexpected key' not in output and 'missing keys' not in output

    # A plain detector checkpoint is refused by the converter, clearly.
    refused = run_tool(['tools/model_converters/extract_student.py',
                        teacher_ckpt, str(tmp_path / 'x.pth')])
    assert refused.returncode == 2
    assert 'not a distillation checkpoint' in refused.stderr


@pytest.fixture(scope='module')
def wider_root(tmp_path_factory):
    from projects.qmimic_demo.qmimic_demo.demo_faces import (
        DemoFacesConfig, make_demo_faces)
    root = str(tmp_path_factory.mktemp('wider'))
    make_demo_faces(root, DemoFacesConfig(num_train=6, num_val=3, num_test=3,
                                          seed=1),
                    progress=False)
    return root + '/'


def test_headline_wider_config_trains_four_iterations(wider_root, tmp_path):
    teacher_cfg = write_wider_toy_config(
        str(tmp_path / 'teacher.py'), 'rfcn/rfcn_vgg1-4_80k_wider.py',
        wider_root, iters=2)
    _train(teacher_cfg, str(tmp_path / 'teacher'))
    qm_cfg = write_wider_toy_config(
        str(tmp_path / 'qm.py'), 'qmimic/rfcn_vgg1-32_wider.py', wider_root,
        iters=4, extra=f"model = dict(teacher_ckpt="
        f"{str(tmp_path / 'teacher' / 'iter_2.pth')!r}, "
        # an fp teacher under the quantized-teacher config: its quantizer
        # and the loss's calibrate on the first 2 batches
        "teacher=dict(neck=dict(calib_batches=2)), distiller=dict("
        "distill_losses=dict(loss_mimic=dict(quantizer=dict("
        "calib_batches=2)))))\n"
        "custom_hooks = [dict(type='DistillLossWarmupHook', "
        "warmup_iters=2)]\n")
    log = _train(qm_cfg, str(tmp_path / 'qm'))
    assert {'distill.loss_mimic', 'student.loss_cls'} <= _train_losses(log)
    # Live diagnostics and the warm-up weight in every logged iteration:
    # 0 at the first, 1 from iteration 2 (= warmup_iters) on.
    train_lines = [line for line in log.splitlines() if 'Iter(train)' in line]
    weights = [float(re.search(r'distill_weight: (\S+)', line).group(1))
               for line in train_lines]
    assert weights == [0.0, 0.5, 1.0, 1.0]
    for key in ('diag.match_ratio', 'diag.dead_units', 'diag.mimic_det_ratio'):
        assert all(key + ':' in line for line in train_lines)
    assert 'holds no quantizer scale' in log
    assert log.count('UniformQuantizer: scale fixed at') == 2  # neck, loss

    # A warm-up longer than the schedule: one line, exit 2, nothing trained.
    bad = run_tool(['tools/train.py', qm_cfg, '--work-dir',
                    str(tmp_path / 'bad'), '--cfg-options',
                    'custom_hooks.0.warmup_iters=10'])
    assert bad.returncode == 2
    assert 'custom_hooks.0.warmup_iters=10 is longer than the schedule' in \
        bad.stderr and 'Traceback' not in bad.stderr
    assert 'wider/easy' in log and 'wider/hard' in log
    assert osp.isfile(tmp_path / 'qm' / 'iter_4.pth')


def test_show_dir_draws_at_the_metric_threshold(wider_root, tmp_path):
    """--show-dir draws every image once, after the evaluation, at the score
    of the best medium F1; a threshold key no metric computed fails in one
    line naming it."""
    # A fixed seed: a 2-iteration teacher finds a face with some seeds only
    # (seed 0 does); without any, the threshold is NaN and the hook falls
    # back to score_thr (test_metric_threshold_visualization_hook.py).
    cfg = write_wider_toy_config(
        str(tmp_path / 'teacher.py'), 'rfcn/rfcn_vgg1-4_80k_wider.py',
        wider_root, iters=2, extra='randomness = dict(seed=0)\n')
    _train(cfg, str(tmp_path / 'teacher'))
    ckpt = str(tmp_path / 'teacher' / 'iter_2.pth')
    show = tmp_path / 'show'
    out = run_tool(['tools/test.py', cfg, ckpt, '--work-dir',
                    str(tmp_path / 'test'), '--show-dir', str(show)])
    assert out.returncode == 0, out.stderr[-2000:]
    log = out.stdout + out.stderr
    thr = re.search(r'drawing detections with score >= (\S+) '
                    r'\(wider/medium_best_f1_thr\)', log)
    assert thr, log[-2000:]
    best = re.search(r'wider/medium_best_f1_thr: (\S+)', log)
    assert best and float(best.group(1)) == pytest.approx(
        float(thr.group(1)), abs=1e-4)
    assert len(list(show.glob('*.jpg'))) == 3  # the 3 val images

    bad = run_tool(['tools/test.py', cfg, ckpt, '--work-dir',
                    str(tmp_path / 'bad'), '--show-dir', str(show),
                    '--cfg-options',
                    'default_hooks.visualization.score_thr_key=wider/f1'])
    assert bad.returncode == 2
    assert "score_thr_key='wider/f1' is not among the computed metrics" \
        in bad.stderr and 'Traceback' not in bad.stderr


def test_one_stage_quantization_mimic_trains_extracts_and_tests(wider_root,
                                                                tmp_path):
    """RTMDet: fp teacher -> QM student (3 neck levels) through the tools."""
    teacher_cfg = write_wider_toy_config(
        str(tmp_path / 'teacher.py'), 'rtmdet/rtmdet_cspnext-1-4_80k_wider.py',
        wider_root, iters=2)
    _train(teacher_cfg, str(tmp_path / 'teacher'))
    qm_cfg = write_wider_toy_config(
        str(tmp_path / 'qm.py'), 'qmimic/rtmdet_cspnext-1-32_wider.py',
        wider_root, iters=3, extra=f"model = dict(teacher_ckpt="
        f"{str(tmp_path / 'teacher' / 'iter_2.pth')!r}, "
        # the fp teacher under the quantized-teacher config: its per-level
        # quantizers and the loss's calibrate on the first 2 batches
        "teacher=dict(neck=dict(quantizer=dict(calib_batches=2))), "
        "distiller=dict(distill_losses=dict(loss_mimic=dict(quantizer=dict("
        "calib_batches=2)))))\n"
        "custom_hooks = [dict(type='DistillLossWarmupHook', "
        "warmup_iters=1)]\n")
    log = _train(qm_cfg, str(tmp_path / 'qm'))
    assert {'distill.loss_mimic', 'student.loss_cls',
            'student.loss_bbox'} <= _train_losses(log)
    train_lines = [line for line in log.splitlines() if 'Iter(train)' in line]
    for key in ('diag.match_ratio:', 'diag.dead_units.l0:',
                'diag.dead_units.l2:', 'diag.mimic_det_ratio:'):
        assert all(key in line for line in train_lines), key
    # 3 teacher-neck quantizers and 3 loss quantizers froze their scales
    assert log.count('UniformQuantizer: scale fixed at') == 6
    assert 'wider/easy' in log

    student_ckpt = str(tmp_path / 'student.pth')
    extracted = run_tool([
        'tools/model_converters/extract_student.py',
        str(tmp_path / 'qm' / 'iter_3.pth'), student_ckpt
    ])
    assert extracted.returncode == 0, extracted.stderr[-2000:]
    student_cfg = write_wider_toy_config(
        str(tmp_path / 'student.py'), 'rtmdet/rtmdet_cspnext-1-32_80k_wider.py',
        wider_root)
    tested = run_tool(['tools/test.py', student_cfg, student_ckpt,
                       '--work-dir', str(tmp_path / 'test')])
    assert tested.returncode == 0, tested.stderr[-3000:]
    output = tested.stdout + tested.stderr
    assert 'wider/easy' in output
    assert 'unexpected key' not in output and 'missing keys' not in output
