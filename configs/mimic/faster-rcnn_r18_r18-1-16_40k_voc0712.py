# Baseline of Li et al. (Eq. 5): RoI mimic of the full-precision teacher,
# no quantization anywhere.
_base_ = '../qmimic/faster-rcnn_r18-quant_r18-1-16_40k_voc0712.py'

model = dict(
    teacher=dict(cfg_path='faster_rcnn/faster-rcnn_r18-dc5_40k_voc0712.py'),
    teacher_ckpt='work_dirs/faster-rcnn_r18-dc5_40k_voc0712/iter_40000.pth',
    distiller=dict(
        distill_losses=dict(loss_mimic=dict(quantizer=None))))
