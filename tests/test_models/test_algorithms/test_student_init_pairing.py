"""The students of one seed start from the same weights: the plain
student, the Q-only student and the distilled students (whose
QuantizationMimicDistill builds a teacher and an adapter after the
student), through mmengine's Runner as tools/train.py runs them."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from conftest import REPO
from projects.qmimic_demo.qmimic_demo.plan import DemoSettings, data_options

PLAIN = 'configs/demo/rfcn_vgg1-32_demo.py'
Q_ONLY = 'configs/demo/rfcn_vgg1-32-quant_demo.py'
MIMIC = 'configs/demo/mimic_rfcn_vgg1-32_demo.py'
QM = 'configs/demo/qmimic_rfcn_vgg1-32_demo.py'
QM_TEACHER = 'configs/demo/rfcn_vgg1-4-quant_demo.py'
FP_TEACHER = 'configs/demo/rfcn_vgg1-4-continued_demo.py'


class _Stop(Exception):
    """Raised by :class:`_Capture` once the weights are taken."""


class _Capture(Hook):
    """Keeps the student's weights and the CPU RNG state at
    ``before_train`` (after ``init_weights``), then stops the run."""

    def __init__(self) -> None:
        self.state, self.rng = None, None

    def before_train(self, runner) -> None:
        model = runner.model
        student = getattr(model, 'student', model)
        self.state = {k: v.clone() for k, v in student.state_dict().items()}
        self.rng = torch.get_rng_state()
        raise _Stop


@pytest.fixture(scope='module')
def wider_root(tmp_path_factory):
    from projects.qmimic_demo.qmimic_demo.demo_faces import (
        DemoFacesConfig, make_demo_faces)
    root = str(tmp_path_factory.mktemp('wider'))
    make_demo_faces(root, DemoFacesConfig(num_train=4, num_val=2, num_test=2,
                                          seed=1),
                    progress=False)
    return root


@pytest.fixture(scope='module')
def teacher_ckpt(tmp_path_factory):
    """Fresh fp and quantized VGG-1-4 teachers' weights (only their shapes
    matter here), by distillation config."""
    from mmdet.utils import register_all_modules
    from mmrazor.registry import MODELS
    register_all_modules(init_default_scope=True)
    paths = {}
    for config, teacher in ((MIMIC, FP_TEACHER), (QM, QM_TEACHER)):
        cfg = Config.fromfile(osp.join(REPO, teacher))
        path = str(tmp_path_factory.mktemp('teacher') / 'teacher.pth')
        torch.save({'state_dict': MODELS.build(cfg.model).state_dict()},
                   path)
        paths[config] = path
    return paths


def _initial(config, seed, wider_root, work_dir, teacher_ckpt):
    cfg = Config.fromfile(osp.join(REPO, config))
    cfg.merge_from_dict(data_options(
        DemoSettings(data_root=wider_root),
        ('train_dataloader', 'val_dataloader', 'test_dataloader'),
        ('val_evaluator', 'test_evaluator')))
    cfg.randomness = dict(seed=seed, deterministic=False)
    cfg.work_dir = str(work_dir)
    if 'teacher_ckpt' in cfg.model:
        cfg.model.teacher_ckpt = teacher_ckpt[config]
    runner = Runner.from_cfg(cfg)
    capture = _Capture()
    runner.register_hook(capture)
    with pytest.raises(_Stop):
        runner.train()
    return capture


def test_students_of_one_seed_start_equal(wider_root, teacher_ckpt,
                                          tmp_path):
    runs = {
        config: _initial(config, 3, wider_root, tmp_path / str(k),
                         teacher_ckpt)
        for k, config in enumerate((PLAIN, Q_ONLY, MIMIC, QM))
    }
    plain = runs[PLAIN]
    assert len(plain.state) == 90
    for config in (Q_ONLY, MIMIC, QM):
        other = runs[config]
        shared = [k for k in plain.state if k in other.state]
        assert len(shared) == 90, config  # Q-only adds its quantizer's
        unequal = [k for k in shared
                   if not torch.equal(plain.state[k], other.state[k])]
        assert unequal == [], config
        # the training draws (RPN / OHEM samplers) start equal too
        assert torch.equal(plain.rng, other.rng), config
    # another seed, other weights
    seed4 = _initial(PLAIN, 4, wider_root, tmp_path / 'seed4', teacher_ckpt)
    key = 'backbone.stage1.0.conv.weight'
    assert not torch.equal(seed4.state[key], plain.state[key])
