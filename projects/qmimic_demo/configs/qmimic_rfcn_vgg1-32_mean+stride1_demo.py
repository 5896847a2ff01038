# Demo ablation "mean+stride1": the QM student's element mean kept, the
# quantizer at stride 1 (no calibrated levels), lambda 1.
_base_ = '../../../configs/demo/qmimic_rfcn_vgg1-32_demo.py'

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(
                loss_weight=1.0, quantizer=dict(stride=1.0, levels=None)))))
