# Table 2 baseline: VGG-1-32 with group convolutions of similar cost
# (channels ceil(sqrt(3) c), rounded to a multiple of 3; 3 groups).
_base_ = [
    '../_base_/models/rfcn_vgg1-32.py',
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(conv_type='group', groups=3),
    rpn_head=dict(in_channels=30, feat_channels=30),
    roi_head=dict(bbox_head=dict(in_channels=30)))

# --show-dir draws at the best-F1 threshold (see rfcn_vgg16_80k_wider.py).
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
