# Runtime of `make demo`: the project's runtime with the demo's metric, a
# checkpoint every 500 iterations and one seed per run.
_base_ = '../../_base_/default_runtime.py'

# DemoFaceMetric (./demo_faces.py's evaluators) lives beside the library, in
# projects/qmimic_demo; the tools put the checkout's root on sys.path.
custom_imports = dict(
    imports=[
        'qmimic_mm.all_modules',
        'projects.qmimic_demo.qmimic_demo.demo_face_metric'
    ],
    allow_failed_imports=False)

default_hooks = dict(
    logger=dict(interval=50),
    # a checkpoint every 500 iterations lets an interrupted stage resume
    # (tools/demo.py --skip-existing); the last one is always saved
    checkpoint=dict(interval=500, max_keep_ckpts=1),
    # --show-dir draws each detector at its best-F1 threshold (see
    # configs/rfcn/rfcn_vgg16_80k_wider.py)
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
# tools/demo.py sets one seed per repetition (--seeds)
randomness = dict(seed=0, deterministic=False)
