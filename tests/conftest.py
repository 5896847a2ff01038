"""Shared fixtures: tiny datasets in the real on-disk layouts, toy configs."""
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = osp.join(REPO, 'configs')
sys.path.insert(0, osp.join(REPO, 'tests'))
# The repository root: the demo (projects/qmimic_demo) is imported from it,
# by the tests and by the demo configs' custom_imports.
if REPO not in sys.path:
    sys.path.append(REPO)

import qmimic_mm.all_modules  # noqa: E402,F401  (stack fixes, registries)

#: First line of a config kept under its old name for one release.
ALIAS_MARK = '# Old name, kept for one release'


def is_config_alias(path: str) -> bool:
    """Whether the config at ``path`` is an old name inheriting a new one."""
    with open(path) as f:
        return f.read().startswith(ALIAS_MARK)


@pytest.fixture(scope='session')
def voc_root(tmp_path_factory) -> str:
    """A VOCdevkit with VOC2007 (trainval + test) and VOC2012 (trainval)."""
    from toy_data import make_voc_devkit
    return make_voc_devkit(str(tmp_path_factory.mktemp('voc')))


@pytest.fixture(scope='session')
def tiny_demo_faces(tmp_path_factory) -> str:
    """The demo face set at 2 / 3 / 2 images (train / val / test); its
    root, with a trailing slash as the configs' ``data_root`` has it."""
    from projects.qmimic_demo.qmimic_demo.demo_faces import (
        DemoFacesConfig, make_demo_faces)
    root = str(tmp_path_factory.mktemp('faces'))
    make_demo_faces(root, DemoFacesConfig(num_train=2, num_val=3, num_test=2,
                                          seed=1), progress=False)
    return root + '/'


def run_tool(args: List[str], cwd: Optional[str] = None,
             env: Optional[Dict[str, str]] = None,
             timeout: int = 600) -> subprocess.CompletedProcess:
    """Run a repo tool with the current interpreter; capture its output."""
    # One thread per tool process: OpenMP spin-waiting makes 2 threads
    # many times slower when anything else shares the 2 cores.
    full_env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    full_env.update(env or {})
    command = args if args[0].endswith('.sh') else [sys.executable, *args]
    return subprocess.run(
        command, cwd=cwd or REPO, env=full_env, capture_output=True,
        text=True, timeout=timeout)


@pytest.fixture
def tool():
    return run_tool
