"""Ship ``configs/`` inside the package as ``qmimic_mm/.mim/configs``.

OpenMMLab packages carry their configs in ``<package>/.mim`` so that an
installed (non-editable) package can still name them: ``Config.fromfile``
resolves ``_base_ = 'mmdet::...'`` there, and this project's ``cfg_path``
resolver (``qmimic_mm/utils/config_paths.py``) reads them too. The demo's
configs stay in the checkout, beside the demo (``projects/qmimic_demo``),
which is not part of the package. Everything else about the package is in
``pyproject.toml``.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent

# MMEngine looks a ``pkg::name`` up in the model index first; an empty index
# sends it straight to ``.mim/configs/name``.
MODEL_INDEX = 'Import: []\n'
#: Folders of ``configs/`` left out of the package: the demo's configs
#: import the demo project through ``custom_imports``.
CHECKOUT_ONLY_CONFIGS = ('demo', )


class BuildPyWithConfigs(build_py):
    """Copy ``configs/**/*.py`` (but :data:`CHECKOUT_ONLY_CONFIGS`) to
    ``qmimic_mm/.mim/configs`` in the build.

    Editable installs read ``configs/`` of the source tree directly.
    """

    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False):
            return
        mim = Path(self.build_lib) / 'qmimic_mm' / '.mim'
        target = mim / 'configs'
        if target.exists():
            shutil.rmtree(target)
        for source in sorted((ROOT / 'configs').rglob('*.py')):
            name = source.relative_to(ROOT / 'configs')
            if name.parts[0] in CHECKOUT_ONLY_CONFIGS:
                continue
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
        (mim / 'model-index.yml').write_text(MODEL_INDEX)


setup(cmdclass={'build_py': BuildPyWithConfigs})
