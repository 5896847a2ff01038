# Demo ablation "calibrated+sum": the QM student with L_m the sum / 2N and
# lambda 1, the quantizer's calibrated stride kept.
_base_ = '../../../configs/demo/qmimic_rfcn_vgg1-32_demo.py'

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(normalize='rois', loss_weight=1.0))))
