# Table 2 baseline: VGG-1-32 with depthwise separable convolutions, widened
# (x2.5) to a cost similar to VGG-1-32.
_base_ = [
    '../_base_/models/rfcn_vgg1-32.py',
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(conv_type='depthwise'),
    rpn_head=dict(in_channels=40, feat_channels=40),
    roi_head=dict(bbox_head=dict(in_channels=40)))

# --show-dir draws at the best-F1 threshold (see rfcn_vgg16_80k_wider.py).
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
