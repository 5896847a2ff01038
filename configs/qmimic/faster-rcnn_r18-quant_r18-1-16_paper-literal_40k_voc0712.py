# Quantization Mimic on VOC exactly as Eq. 6 is written: sum / 2N, stride 1
# on both maps, lambda 1 throughout, teacher finetuned with stride 1.
_base_ = './faster-rcnn_r18-quant_r18-1-16_40k_voc0712.py'

model = dict(
    teacher=dict(cfg_path=('faster_rcnn/'
                           'faster-rcnn_r18-dc5-quant_paper-literal_10k_voc0712.py')),
    teacher_ckpt=('work_dirs/faster-rcnn_r18-dc5-quant_paper-literal_10k_voc0712/'
                  'iter_10000.pth'),
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(
                loss_weight=1.0,
                normalize='rois',
                quantizer=dict(_delete_=True, type='UniformQuantizer',
                               stride=1.0)))))

custom_hooks = []
