"""The demo student's training step with every issue-9 cut (the config as
it is) equals the step with all of them off, the baseline of
``benchmark_train_step.py``'s ``before`` variant: same fixed weights,
images, boxes and seed; every loss and parameter gradient is compared,
over two SGD steps.

The cuts: ``TinyConv2d`` (kernel choice incl. the native kernel for
cache-sized column buffers), strided pooling, shallow RPN data samples
and no same-device rebuild of the data samples. Only the convolutions
change the float summation order, so the tolerances are those of
``test_train_step_tiny_conv.py`` (losses rel 1e-5, gradients 1e-4 of the
largest entry of each tensor; measured on this batch: 1.0e-7 and 7.8e-6).
The same holds for a distillation step (Li et al.'s mimic at demo size:
5.5e-7 and 1.1e-5) and for the fused SGD update.
"""
import pytest
import torch
from mmdet.registry import MODELS
from mmengine.registry import init_default_scope
from test_train_step_tiny_conv import (DEMO_STUDENT, assert_same_step,
                                       assert_same_steps, loss_and_grads,
                                       training_batch)

from qmimic_mm.analysis.flops import load_detector_config
from qmimic_mm.models.cpu_speedups import (SameDeviceDetDataPreprocessor,
                                           ShallowCopyFasterRCNN)

#: ``--cfg-options`` of the ``before`` variant: every issue-9 cut off.
ALL_CUTS_OFF = {
    'model.backbone.tiny_conv_stages': (),
    'model.backbone.strided_pool': False,
    'model.shallow_rpn_samples': False,
    'model.data_preprocessor.skip_same_device_copy': False,
}


def build(options) -> torch.nn.Module:
    cfg = load_detector_config(DEMO_STUDENT, options)
    init_default_scope('mmdet')
    return MODELS.build(cfg.model)


def test_default_config_has_the_cuts_on():
    model = build({})
    assert isinstance(model, ShallowCopyFasterRCNN)
    assert model.shallow_rpn_samples
    assert isinstance(model.data_preprocessor,
                      SameDeviceDetDataPreprocessor)
    assert model.data_preprocessor.skip_same_device_copy


@pytest.mark.parametrize('on', [{}, {
    'model.backbone.tiny_conv_native_max_col_bytes': 0}])
def test_training_step_equals_all_cuts_off(on):
    torch.manual_seed(0)
    before = build(ALL_CUTS_OFF)
    before.init_weights()
    after = build(on)
    after.load_state_dict(before.state_dict())

    assert_same_steps(before, after, training_batch())


def test_fused_sgd_equals_the_loop():
    """The configs' fused SGD (``optim_wrapper.optimizer.fused``) updates
    the demo student's parameters as the per-parameter loop does."""
    from mmengine.config import Config
    cfg = Config.fromfile(DEMO_STUDENT)
    opt_cfg = dict(cfg.optim_wrapper.optimizer)
    assert opt_cfg.pop('type') == 'SGD' and opt_cfg.pop('fused') is True
    torch.manual_seed(0)
    models = [build({}), build({})]
    models[1].load_state_dict(models[0].state_dict())
    optims = [torch.optim.SGD(m.parameters(), fused=fused, **opt_cfg)
              for m, fused in zip(models, (False, True))]
    gen = torch.Generator().manual_seed(1)
    for _ in range(3):  # momentum buffers from the second step on
        grads = [torch.randn(p.shape, generator=gen)
                 for p in models[0].parameters()]
        for model, optim in zip(models, optims):
            for p, g in zip(model.parameters(), grads):
                p.grad = g.clone()
            optim.step()
    for (name, ref), got in zip(models[0].named_parameters(),
                                models[1].parameters()):
        torch.testing.assert_close(got, ref, rtol=1e-6, atol=1e-7,
                                   msg=name)


MIMIC_DEMO = DEMO_STUDENT.replace('rfcn_vgg1-32_demo.py',
                                  'mimic_rfcn_vgg1-32_demo.py')


def build_mimic(options) -> torch.nn.Module:
    """Li et al.'s mimic (Eq. 5: the distillation path without a
    quantizer, whose level rounding would turn float-rounding differences
    of the student's map into whole levels) at demo size, random
    teacher."""
    from mmengine.config import Config
    from mmrazor.registry import MODELS as RAZOR_MODELS
    cfg = Config.fromfile(MIMIC_DEMO)
    cfg.model.teacher_ckpt = None
    cfg.merge_from_dict(options)
    init_default_scope('mmdet')
    return RAZOR_MODELS.build(cfg.model)


def test_distillation_step_equals_all_cuts_off():
    off = {f'model.architecture.{k[len("model."):]}': v
           for k, v in ALL_CUTS_OFF.items()}
    torch.manual_seed(0)
    before = build_mimic(off)
    after = build_mimic({})
    after.load_state_dict(before.state_dict())
    assert isinstance(after.architecture, ShallowCopyFasterRCNN)
    assert not before.architecture.shallow_rpn_samples
    reference = loss_and_grads(before, training_batch())
    assert reference[0]['distill.loss_mimic'] > 0
    assert_same_step(reference, loss_and_grads(after, training_batch()))
