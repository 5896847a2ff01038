"""QuantizationMimicDistill's teacher feature cache is exact: the losses of
training steps with it equal those without it, bit for bit, flipped images
included, for the R-FCN (one map) and the RTMDet (three neck levels) demo
Quantization Mimic configs."""
import copy
import os.path as osp

import pytest
import torch
from mmdet.testing import demo_mm_inputs
from mmdet.utils import register_all_modules
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmrazor.registry import MODELS

from conftest import REPO
from qmimic_mm.models.algorithms.teacher_feature_cache import \
    TeacherFeatureCache

RFCN_QM = 'configs/demo/qmimic_rfcn_vgg1-32_demo.py'
RTMDET_QM = 'configs/demo/qmimic_rtmdet_cspnext-1-32_demo.py'


@pytest.fixture(scope='module', autouse=True)
def mmdet_scope():
    register_all_modules(init_default_scope=True)


def _build(config, cache):
    cfg = Config.fromfile(osp.join(REPO, config))
    cfg.model.teacher_ckpt = None
    # the (fresh) teacher's quantizers calibrate on the first batch
    key = ('model.teacher.neck.quantizer.calib_batches' if 'rtmdet' in config
           else 'model.teacher.neck.calib_batches')
    cfg.merge_from_dict({key: 1})
    cfg.model.teacher_feature_cache = cache
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def _images(seed):
    """Four gray 96x128 images with faces; image 3 is image 0 flipped."""
    torch.manual_seed(seed)
    data = demo_mm_inputs(batch_size=3, image_shapes=[(1, 96, 128)] * 3,
                          num_items=[2, 1, 3], num_classes=2)
    for sample in data['data_samples']:  # one class: faces
        sample.gt_instances.labels.zero_()
    images = list(zip(data['inputs'], data['data_samples']))
    img, sample = images[0]
    flipped = sample.clone()
    boxes = flipped.gt_instances.bboxes.clone()
    boxes[:, [0, 2]] = 128 - boxes[:, [2, 0]]
    flipped.gt_instances.bboxes = boxes
    flipped.set_metainfo(dict(flip=True, flip_direction='horizontal'))
    return images + [(img.flip(-1), flipped)]


#: Batches of image indices: the first is the calibration step (no
#: caching), two misses store images 0-3, then full hits in other orders
#: and with other partners ((0, 3), (2, 1): from different stored batches).
STEPS = ((0, 1), (0, 1), (3, 2), (1, 0), (3, 2), (0, 3), (2, 1))
HITS, MISSES = 4, 2


def _step(model, optim, images, batch):
    data = dict(inputs=[images[i][0] for i in batch],
                data_samples=[images[i][1] for i in batch])
    torch.manual_seed(sum(batch))  # the samplers draw the same numbers
    data = model.data_preprocessor(data, True)
    losses = model.loss(data['inputs'], data['data_samples'])
    parsed, log = model.parse_losses(losses)
    optim.update_params(parsed)
    return {k: v.detach().clone() for k, v in log.items()}


@pytest.mark.parametrize('config', [RFCN_QM, RTMDET_QM])
def test_losses_with_the_cache_equal_those_without(config):
    plain = _build(config, None)
    cached = _build(config, dict(max_mb=64))
    cached.load_state_dict(copy.deepcopy(plain.state_dict()))
    plain.train()
    cached.train()
    optims = [OptimWrapper(torch.optim.SGD(
        [p for p in m.parameters() if p.requires_grad], lr=0.01))
        for m in (plain, cached)]
    images = _images(1)
    for step, batch in enumerate(STEPS):
        expected = _step(plain, optims[0], images, batch)
        got = _step(cached, optims[1], images, batch)
        assert 'distill.loss_mimic' in expected
        for key, value in expected.items():
            assert torch.equal(got[key], value), (config, step, key)
    cache = cached.teacher_feature_cache
    assert (cache.hits, cache.misses) == (HITS, MISSES)
    assert len(cache) == 4  # images 0-3, flipped 0 its own entry
    assert got['diag.teacher_cache_hit'] == pytest.approx(HITS / (HITS +
                                                                  MISSES))
    assert 'diag.teacher_cache_hit' not in expected


def test_cache_bound_keys_and_errors():
    cache = TeacherFeatureCache(max_mb=1)
    x = torch.zeros(2, 1, 8, 8)
    x[1, 0, 0, 0] = 1
    keys = cache.keys(x)
    assert keys[0] != keys[1]
    assert cache.keys(x.flip(-1))[0] == keys[0]  # all zeros: same image
    assert cache.keys(x.flip(-1))[1] != keys[1]
    assert cache.keys(torch.zeros(3, 1, 8, 8))[0] != keys[0]  # batch size
    big = torch.zeros(2, 256, 32, 32)  # 1 MiB per sample
    cache.put(keys, {'feat': [big]})
    assert len(cache) == 1 and cache.full  # the bound stops the second
    assert cache.get(keys) is None
    with pytest.raises(ValueError, match='not one row per sample'):
        cache.put(cache.keys(torch.ones(2, 1, 8, 8)),
                  {'feat': [torch.zeros(3, 4)]})
    with pytest.raises(ValueError, match='max_mb must be > 0'):
        TeacherFeatureCache(max_mb=0)


def test_a_trainable_teacher_refuses_the_cache():
    cfg = Config.fromfile(osp.join(REPO, RFCN_QM))
    cfg.model.teacher_ckpt = None
    cfg.model.teacher_feature_cache = dict()
    cfg.model.teacher_trainable = True
    with pytest.raises(ValueError, match='needs a frozen teacher'):
        MODELS.build(cfg.model)
