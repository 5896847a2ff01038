# Teacher: R-FCN with VGG-1-4 (every channel / 4; conv5_3 has 128).
_base_ = [
    '../_base_/models/rfcn_vgg1-4.py', '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/sgd_80k.py', '../_base_/default_runtime.py'
]

# --show-dir draws at the best-F1 threshold (see rfcn_vgg16_80k_wider.py).
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
