# Quantized teacher (Sec. 3.3): VGG-1-4 R-FCN finetuned with the uniform
# quantizer on conv5_3's activation. Its stride is calibrated (40 levels over
# the 99.9th percentile of the fp teacher's conv5_3, the paper's ~40 levels of
# stride 1 over [0, 40] on Caffe VGG); the paper-literal stride 1 leaves 2-3
# levels on this batch-norm VGG (rfcn_vgg1-4-quant_paper-literal_20k_wider.py).
_base_ = [
    '../_base_/models/rfcn_vgg1-4.py', '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/sgd_80k.py', '../_base_/default_runtime.py'
]

model = dict(neck=dict(type='UniformQuantizer', levels=40))
load_from = 'work_dirs/rfcn_vgg1-4_80k_wider/iter_80000.pth'

# a 20k finetune of the 80k teacher: lr x0.1 at 75%
train_cfg = dict(max_iters=20000, val_interval=10000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=20000,
         milestones=[15000], gamma=0.1)
]

# --show-dir draws at the best-F1 threshold (see rfcn_vgg16_80k_wider.py).
default_hooks = dict(
    visualization=dict(
        type='MetricThresholdVisualizationHook',
        score_thr_key='wider/medium_best_f1_thr'))
