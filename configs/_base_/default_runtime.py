# MMDetection's runtime, iteration-based as in the paper (Caffe solvers),
# with this project's modules registered through custom_imports.
_base_ = 'mmdet::_base_/default_runtime.py'

custom_imports = dict(
    imports=['qmimic_mm.all_modules'], allow_failed_imports=False)

# Runs that survive faults (docs/en/user_guides/fault_tolerance.md). They
# are default_hooks, not custom_hooks: a config's `custom_hooks = [...]`
# replaces its base's list, while default_hooks entries merge by key.
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    # checkpoints written to a temporary name, synced, then renamed
    checkpoint=dict(
        type='AtomicCheckpointHook', by_epoch=False, interval=5000,
        max_keep_ckpts=3, save_last=True),
    # a NaN/Inf loss stops the run; no checkpoint holds non-finite weights
    non_finite=dict(type='NonFiniteLossHook'),
    # SIGTERM / SIGUSR1: checkpoint at the end of the iteration, exit 75
    preemption=dict(type='PreemptionHook'),
    # torch's generator state in checkpoints: a resume draws as the
    # uninterrupted run would
    random_state=dict(type='RandomStateHook'))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
