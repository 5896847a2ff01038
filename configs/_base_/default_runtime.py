# MMDetection's runtime, iteration-based as in the paper (Caffe solvers),
# with this project's modules registered through custom_imports.
_base_ = 'mmdet::_base_/default_runtime.py'

custom_imports = dict(
    imports=['qmimic_mm.all_modules'], allow_failed_imports=False)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=5000, max_keep_ckpts=3,
        save_last=True))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
