"""Toy-size configs for tests: inherit a real config, shrink everything."""
import importlib.util
import os.path as osp
from types import ModuleType
from typing import Optional

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def load_tool(path: str, name: str) -> ModuleType:
    """A script under ``tools/`` (``path`` relative to the repository) as a
    module, to call its functions in-process."""
    spec = importlib.util.spec_from_file_location(name, osp.join(REPO, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VOC_TOY_DATA = '''
_img_scale = (128, 96)
_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=_img_scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=_img_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape',
                                          'img_shape', 'scale_factor'))
]
_voc = dict(type='VOCDataset', data_root={root!r},
            filter_cfg=dict(filter_empty_gt=True, min_size=8),
            pipeline=_train_pipeline)
train_dataloader = dict(
    _delete_=True, batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True, seed=0),
    dataset=dict(type='ConcatDataset', ignore_keys=['dataset_type'], datasets=[
        dict(_voc, ann_file='VOC2007/ImageSets/Main/trainval.txt',
             data_prefix=dict(sub_data_root='VOC2007/')),
        dict(_voc, ann_file='VOC2012/ImageSets/Main/trainval.txt',
             data_prefix=dict(sub_data_root='VOC2012/'))]))
val_dataloader = dict(
    _delete_=True, batch_size=1, num_workers=0, persistent_workers=False,
    drop_last=False, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='VOCDataset', data_root={root!r},
                 ann_file='VOC2007/ImageSets/Main/test.txt',
                 data_prefix=dict(sub_data_root='VOC2007/'), test_mode=True,
                 pipeline=_test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_iters={iters}, val_interval={iters})
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, begin=0,
                        end=1000, milestones=[{iters}], gamma=0.1)]
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(interval={iters}, max_keep_ckpts=10))
env_cfg = dict(mp_cfg=dict(mp_start_method='fork'))
'''

# Narrow ResNet18 teacher (128 output channels) at tiny anchors.
TOY_TEACHER_MODEL = '''
model = dict(backbone=dict(base_channels=16),
             rpn_head=dict(in_channels=128, feat_channels=32,
                           anchor_generator=dict(scales=[2, 4])),
             roi_head=dict(bbox_roi_extractor=dict(out_channels=128),
                           bbox_head=dict(in_channels=128,
                                          fc_out_channels=32)))
'''
TOY_STUDENT_MODEL = '''
model = dict(rpn_head=dict(anchor_generator=dict(scales=[2, 4])))
'''


def write_toy_config(path: str, base: str, voc_root: str, iters: int = 4,
                     extra: Optional[str] = None) -> str:
    """Write a config at ``path`` inheriting ``configs/<base>``."""
    text = f'_base_ = {osp.join(REPO, "configs", base)!r}\n'
    text += VOC_TOY_DATA.format(root=voc_root, iters=iters)
    text += extra or ''
    with open(path, 'w') as f:
        f.write(text)
    return path


QM_CONFIG = 'qmimic/faster-rcnn_r18-quant_r18-1-16_40k_voc0712.py'


def toy_distill_model(teacher_ckpt: Optional[str] = None) -> str:
    """Config text shrinking the teacher of a ResNet18 distillation config
    (128 channels) and the anchors of both detectors."""
    return f'''
_anchors = dict(anchor_generator=dict(scales=[2, 4]))
model = dict(
    teacher=dict(
        backbone=dict(base_channels=16),
        rpn_head=dict(in_channels=128, feat_channels=32, **_anchors),
        roi_head=dict(bbox_roi_extractor=dict(out_channels=128),
                      bbox_head=dict(in_channels=128, fc_out_channels=32))),
    architecture=dict(rpn_head=_anchors),
    teacher_ckpt={teacher_ckpt!r},
    distiller=dict(connectors=dict(adapter=dict(out_channel=128))))
# the real configs warm lambda up over 2000 iterations; toy runs have 4
custom_hooks = [dict(type='DistillLossWarmupHook', warmup_iters=2)]
'''


WIDER_TOY_DATA = '''
_data_root = {root!r}
_train_pipeline = [
    dict(type='LoadImageFromFile', color_type='grayscale'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(100000, 128), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=_data_root, pipeline=_train_pipeline))
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(data_root=_data_root))
test_dataloader = val_dataloader
val_evaluator = dict(gt_dir=_data_root + 'wider_face_split')
test_evaluator = val_evaluator
train_cfg = dict(max_iters={iters}, val_interval={iters})
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(interval={iters}))
'''


def write_wider_toy_config(path: str, base: str, data_root: str,
                           iters: int = 4, extra: str = '') -> str:
    """A config at ``path`` inheriting ``configs/<base>`` on toy WIDER data."""
    text = f'_base_ = {osp.join(REPO, "configs", base)!r}\n'
    text += WIDER_TOY_DATA.format(root=data_root, iters=iters) + extra
    with open(path, 'w') as f:
        f.write(text)
    return path
