# Demo ablation "lambda1": the QM student with mimic weight 1 (the paper's
# lambda sweep is 0.1, 1 and 10; the default is 10).
_base_ = '../../../configs/demo/qmimic_rfcn_vgg1-32_demo.py'

model = dict(
    distiller=dict(distill_losses=dict(loss_mimic=dict(loss_weight=1.0))))
