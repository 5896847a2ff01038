"""Imports are explicit: ``import qmimic_mm`` and the WIDER evaluation stay
light; ``qmimic_mm.all_modules`` (the configs' ``custom_imports``) makes the
pinned stack usable and registers our parts."""
import importlib
import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HEAVY = ('torch', 'mmdet', 'mmrazor', 'mmengine', 'mmcv', 'cv2', 'skimage',
         'matplotlib')


def _loaded_after(code: str) -> dict:
    """Which heavy modules a fresh interpreter holds after ``code``."""
    probe = (f'{code}\nimport json, sys\n'
             f'print(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))')
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, '-c', probe], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize('code', [
    'import qmimic_mm',
    'import qmimic_mm.wider',
    'from qmimic_mm.wider import evaluate_wider, load_wider_ground_truth, '
    'parse_wider_bbx_gt, read_wider_predictions',
    'import qmimic_mm.utils.errors',
    # the CLI module itself, as `python tools/analysis_tools/wider_eval.py`
    'import runpy; runpy.run_path("tools/analysis_tools/wider_eval.py")',
])
def test_light_paths_import_no_torch_or_openmmlab(code):
    loaded = _loaded_after(code)
    assert not any(loaded.values()), {m for m, v in loaded.items() if v}


def test_mmrazor_models_import_and_distill_registered():
    import qmimic_mm.all_modules  # noqa: F401
    mmrazor_models = importlib.import_module('mmrazor.models')
    from mmrazor.registry import MODELS, TASK_UTILS
    assert mmrazor_models.FpnTeacherDistill is MODELS.get('FpnTeacherDistill')
    for name in ('SingleTeacherDistill', 'ConfigurableDistiller',
                 'ConvModuleConnector', 'QuantizationMimicDistill',
                 'QuantMimicLoss', 'UniformQuantizer', 'PowerOfTwoQuantizer'):
        assert MODELS.get(name) is not None, name
    assert TASK_UTILS.get('TrainingRoIsRecorder') is not None
    assert TASK_UTILS.get('ModuleOutputsRecorder') is not None


def test_mmdet_registries_see_project_modules():
    import qmimic_mm.all_modules  # noqa: F401
    from mmdet.registry import DATASETS, METRICS, MODELS
    assert MODELS.get('UniformQuantizer') is not None
    assert MODELS.get('FasterRCNN') is not None
    assert DATASETS.get('WiderFaceOfficialDataset') is not None
    assert METRICS.get('WiderFaceMetric') is not None


def test_config_custom_imports_register_in_a_fresh_process():
    """A config's custom_imports alone make mmrazor and our types usable."""
    code = ('from mmengine.config import Config\n'
            'cfg = Config.fromfile("configs/qmimic/rfcn_vgg1-32_wider.py")\n'
            'from mmrazor.registry import MODELS\n'
            'assert MODELS.get(cfg.model.type) is not None\n'
            'print(cfg.model.type)')
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, cwd=REPO, timeout=300,
                          env=dict(os.environ, PYTHONPATH=REPO))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith('QuantizationMimicDistill')


def test_mmrazor_fix_is_idempotent():
    from qmimic_mm.compat import apply_all, mmrazor_torch2
    apply_all()
    apply_all()
    from torch.ao.quantization import fuser_method_mappings as fmm
    swapped = fmm.reverse2(lambda is_qat, a, b: (a, b))
    assert swapped(False, 1, 2) == (2, 1)
    nested = fmm.reverse3(lambda is_qat, a, b, c: (a, b, c))
    assert nested(False, 1, (2, 3)) == (3, 2, 1)
    mapping = sys.modules[mmrazor_torch2.MAPPING_MODULE]
    assert set(mapping.BackendConfigs) == set(mmrazor_torch2.BACKENDS)
