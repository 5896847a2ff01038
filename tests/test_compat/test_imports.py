"""`import qmimic_mm` makes the pinned stack usable and registers our parts."""
import importlib


def test_mmrazor_models_import_and_distill_registered():
    import qmimic_mm  # noqa: F401
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
    import qmimic_mm  # noqa: F401
    from mmdet.registry import MODELS
    assert MODELS.get('UniformQuantizer') is not None
    assert MODELS.get('FasterRCNN') is not None


def test_mmrazor_fix_is_idempotent():
    from qmimic_mm.compat import apply_all, mmrazor_torch2
    apply_all()
    apply_all()
    from torch.ao.quantization import fuser_method_mappings as fmm
    swapped = fmm.reverse2(lambda is_qat, a, b: (a, b))
    assert swapped(False, 1, 2) == (2, 1)
    nested = fmm.reverse3(lambda is_qat, a, b, c: (a, b, c))
    assert nested(False, 1, (2, 3)) == (3, 2, 1)
    import sys
    mapping = sys.modules[mmrazor_torch2.MAPPING_MODULE]
    assert set(mapping.BackendConfigs) == set(mmrazor_torch2.BACKENDS)
