# Table 4 ablation: mimic the quantized teacher's (already quantized) conv5_3
# with a full-precision student: Q on the teacher side only.
_base_ = '../qmimic/rfcn_vgg1-32_wider.py'

model = dict(
    distiller=dict(
        teacher_recorders=dict(feat=dict(source='neck')),  # Q(f_t)
        distill_losses=dict(loss_mimic=dict(quantizer=None))))
