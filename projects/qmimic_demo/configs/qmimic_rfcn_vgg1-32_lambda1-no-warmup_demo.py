# Demo ablation "lambda1-no-warmup": mimic weight 1 from the first
# iteration (no DistillLossWarmupHook).
_base_ = '../../../configs/demo/qmimic_rfcn_vgg1-32_demo.py'

model = dict(
    distiller=dict(distill_losses=dict(loss_mimic=dict(loss_weight=1.0))))
custom_hooks = []
