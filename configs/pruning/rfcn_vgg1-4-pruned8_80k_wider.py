# The detector a pruning-ratio-8 run of configs/pruning exports: the R-FCN
# VGG-1-4 teacher with 1/8 of the channels of every layer, i.e. the widths
# of VGG-1-32 R-FCN, as per-layer lists. Tests the exported checkpoints:
#   tools/test.py configs/pruning/rfcn_vgg1-4-pruned8_80k_wider.py \
#       work_dirs/<run>/pruned_iter_80000.pth
# (Each run also writes pruned_iter_<N>_config.py with the widths it found:
# the same as these for the default uniform ratio.)
_base_ = [
    '../_base_/models/rfcn_vgg1-4-pruned8.py',
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py'
]

# --show-dir draws at the best-F1 threshold (see
# configs/rfcn/rfcn_vgg16_80k_wider.py).
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
