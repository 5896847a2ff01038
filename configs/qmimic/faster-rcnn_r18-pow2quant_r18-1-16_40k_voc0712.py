# Table 6 ablation: Quantization Mimic with power-of-two quantization on both
# the teacher (finetuned with it) and the mimic loss.
_base_ = './faster-rcnn_r18-quant_r18-1-16_40k_voc0712.py'

model = dict(
    teacher=dict(cfg_path='faster_rcnn/faster-rcnn_r18-dc5-pow2quant_10k_voc0712.py'),
    teacher_ckpt='work_dirs/faster-rcnn_r18-dc5-pow2quant_10k_voc0712/iter_10000.pth',
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(quantizer=dict(_delete_=True,
                                        type='PowerOfTwoQuantizer', levels=8)))))
