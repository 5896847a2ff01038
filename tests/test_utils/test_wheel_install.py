"""The configs work from a non-editable install of the wheel.

Builds the wheel from a copy of the package (so no build/ or egg-info lands
in the checkout), installs it with ``pip install --target`` and, from a
process whose only path to ``qmimic_mm`` is that target and whose working
directory holds no configs, inherits the headline config through
``_base_ = 'qmimic_mm::...'``, builds its model (teacher weights left out)
and looks each ``qmimic_mm``-scoped part up in its registry. The demo
(``projects/qmimic_demo`` and its configs) stays out of the wheel.
"""
import glob
import os
import os.path as osp
import shutil
import subprocess
import sys
import textwrap

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# projects/ too: the wheel must leave it out even when it is there.
SOURCES = ('qmimic_mm', 'configs', 'projects', 'pyproject.toml', 'setup.py',
           'MANIFEST.in', 'README.md')

USER_CONFIG = """\
_base_ = 'qmimic_mm::qmimic/rfcn_vgg1-32_wider.py'
model = dict(
    teacher=dict(cfg_path='qmimic::rfcn/rfcn_vgg1-4-quant_20k_wider.py'),
    teacher_ckpt=None)
"""

CHECK = """\
import os.path as osp, sys
target = sys.argv[1]
import qmimic_mm
from qmimic_mm.utils.config_paths import (PROJECT_CONFIGS,
                                          resolve_config_path)
assert qmimic_mm.__file__.startswith(target), qmimic_mm.__file__
assert str(PROJECT_CONFIGS) == osp.join(target, 'qmimic_mm', '.mim',
                                        'configs'), PROJECT_CONFIGS
# The student's cfg_path is the base's plain 'rfcn/...': no such file here.
student = 'rfcn/rfcn_vgg1-32_80k_wider.py'
assert not osp.exists(student)
assert resolve_config_path(student, 'k').startswith(target)

from mmengine.config import Config
from mmengine.registry import (DATASETS, LOOPS, METRICS, MODELS,
                               OPTIM_WRAPPERS, init_default_scope)
cfg = Config.fromfile('user_config.py')
init_default_scope(cfg.default_scope)
model = MODELS.build(cfg.model)
assert type(model).__name__ == 'QuantizationMimicDistill'
assert model.student.backbone.width_divisor == 32  # VGG-1-32
assert model.teacher.backbone.width_divisor == 4
assert type(model.teacher.neck).__name__ == 'UniformQuantizer'
# _scope_='qmimic_mm' parts resolve through qmimic_mm.registry.
for registry, part in ((METRICS, cfg.val_evaluator), (LOOPS, cfg.train_cfg),
                       (OPTIM_WRAPPERS, cfg.optim_wrapper),
                       (DATASETS, cfg.train_dataloader.dataset)):
    assert part._scope_ == 'qmimic_mm', part
    with registry.switch_scope_and_registry(part._scope_) as scoped:
        assert scoped.scope == 'qmimic_mm' and scoped.get(part.type), part
print('OK', model.student.backbone.width_divisor)
"""


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """``pip install --target`` of a freshly built wheel."""
    tmp = tmp_path_factory.mktemp('wheel')
    source, dist, target = tmp / 'source', tmp / 'dist', tmp / 'target'
    source.mkdir()
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
    for name in SOURCES:
        path = osp.join(REPO, name)
        if osp.isdir(path):
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy(path, source / name)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK='1')
    env.pop('PYTHONPATH', None)
    _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
          '--no-build-isolation', '-q', '-w', str(dist), str(source)],
         env=env, cwd=str(tmp))
    wheel, = glob.glob(str(dist / '*.whl'))
    _run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
          '--target', str(target), wheel], env=env, cwd=str(tmp))
    return target


def test_wheel_ships_configs(installed):
    mim = installed / 'qmimic_mm' / '.mim'
    assert (mim / 'model-index.yml').is_file()
    shipped = sorted(
        osp.relpath(p, mim / 'configs')
        for p in glob.glob(str(mim / 'configs' / '**' / '*.py'),
                           recursive=True))
    in_repo = sorted(
        osp.relpath(p, osp.join(REPO, 'configs'))
        for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                           recursive=True))
    # the demo's configs stay with the demo, in the checkout
    assert shipped == [p for p in in_repo if not p.startswith('demo/')]
    assert 'qmimic/rfcn_vgg1-32_wider.py' in shipped


def test_wheel_holds_no_demo_code(installed):
    assert sorted(os.listdir(installed)) == [
        n for n in sorted(os.listdir(installed)) if n.startswith('qmimic_mm')]
    files = [osp.relpath(p, installed) for p in glob.glob(
        str(installed / '**' / '*.py'), recursive=True)]
    assert 'qmimic_mm/evaluation/metrics/wider_face_metric.py' in files
    assert not [f for f in files if 'demo' in f]


def test_headline_config_builds_from_the_installed_wheel(installed,
                                                         tmp_path):
    (tmp_path / 'user_config.py').write_text(USER_CONFIG)
    env = dict(os.environ, PYTHONPATH=str(installed), OMP_NUM_THREADS='1')
    result = _run([sys.executable, '-c', textwrap.dedent(CHECK),
                   str(installed)], env=env, cwd=str(tmp_path), timeout=300)
    assert result.stdout.strip().endswith('OK 32'), result.stdout
