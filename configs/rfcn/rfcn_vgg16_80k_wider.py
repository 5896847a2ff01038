# R-FCN with gray VGG16 on WIDER FACE (paper Tables 1 and 3).
_base_ = [
    '../_base_/models/rfcn_vgg16.py', '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/sgd_80k.py', '../_base_/default_runtime.py'
]

# `tools/test.py --show-dir` draws each detector at its own operating point:
# the score of the best F1 on the medium PR curve of the evaluated split
# (WiderFaceMetric's `medium_best_f1_thr`). A fixed 0.3 leaves the panels of
# a small student empty although its AP is not. For a threshold chosen on
# val and applied to test, pass `--cfg-options
# default_hooks.visualization.score_thr_key=None
# default_hooks.visualization.score_thr=<val's medium_best_f1_thr>`.
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
