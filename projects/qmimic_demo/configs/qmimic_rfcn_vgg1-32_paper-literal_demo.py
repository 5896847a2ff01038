# Demo ablation "paper-literal": Eq. 6 as written on the demo's QM student,
# L_m the sum / 2N, quantizer stride 1 (no calibrated levels), lambda 1; the
# warm-up stays. (The full-scale verbatim form, with its own teacher, is
# configs/qmimic/rfcn_vgg1-32_paper-literal_wider.py.)
_base_ = '../../../configs/demo/qmimic_rfcn_vgg1-32_demo.py'

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(
                normalize='rois',
                loss_weight=1.0,
                quantizer=dict(stride=1.0, levels=None)))))
