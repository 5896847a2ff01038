"""The demo is a project beside the library: the package that installs
(``pyproject.toml``'s package list) holds none of it, and no library module
imports it. (tests/test_utils/test_wheel_install.py checks a built wheel.)"""
import ast
import glob
import os.path as osp

import pytest
from setuptools import find_namespace_packages, find_packages

from conftest import REPO


def test_the_installed_packages_leave_the_demo_out():
    tomllib = pytest.importorskip('tomllib')  # Python 3.11+
    with open(osp.join(REPO, 'pyproject.toml'), 'rb') as f:
        find = tomllib.load(f)['tool']['setuptools']['packages']['find']
    # the include filter keeps the demo out even where folders without an
    # __init__.py (projects/) count as packages
    assert 'projects.qmimic_demo.qmimic_demo' in find_namespace_packages(
        REPO, include=['projects*'])
    for finder in (find_packages, find_namespace_packages):
        # with modules (a checkout may keep emptied folders of old packages)
        packages = [p for p in finder(REPO, **find) if glob.glob(
            osp.join(REPO, *p.split('.'), '*.py'))]
        assert 'qmimic_mm' in packages and 'qmimic_mm.wider' in packages
        assert not [p for p in packages if not p.startswith('qmimic_mm')]
        assert not [p for p in packages if 'demo' in p]


def test_no_library_module_imports_the_demo():
    for path in glob.glob(osp.join(REPO, 'qmimic_mm', '**', '*.py'),
                          recursive=True):
        name = osp.relpath(path, REPO)
        assert 'demo' not in name, name
        with open(path) as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            assert not [m for m in modules
                        if m.startswith('projects') or 'demo' in m], name
