# Quantization Mimic on Pascal VOC 07+12 (paper Sec. 4.2): the quantized
# ResNet18 Faster R-CNN teacher teaches ResNet18-1-16 through
# Eq. 6 on the last (dilated C5) feature map of both, over the 128 RoIs i the
# student's head samples, lambda = 10. As on WIDER FACE (see
# qmimic/rfcn_vgg1-32_wider.py): mean over RoI elements / 2, stride calibrated
# to 40 levels, lambda 10 warmed up over 5% of the schedule; the verbatim Eq. 6:
# faster-rcnn_r18-quant_r18-1-16_paper-literal_40k_voc0712.py.
_base_ = [
    '../_base_/datasets/voc0712.py', '../_base_/schedules/sgd_40k.py',
    '../_base_/default_runtime.py', '../_base_/distill/quantization_mimic.py'
]

model = dict(
    architecture=dict(cfg_path='faster_rcnn/faster-rcnn_r18-1-16-dc5_40k_voc0712.py'),
    teacher=dict(cfg_path='faster_rcnn/faster-rcnn_r18-dc5-quant_10k_voc0712.py'),
    teacher_ckpt='work_dirs/faster-rcnn_r18-dc5-quant_10k_voc0712/iter_10000.pth',
    distiller=dict(
        student_recorders=dict(rois=dict(roi_source='sampled')),
        connectors=dict(adapter=dict(in_channel=32, out_channel=512)),
        distill_losses=dict(
            loss_mimic=dict(
                loss_weight=10.0,
                normalize='elements',
                quantizer=dict(type='UniformQuantizer', levels=40)))))

custom_hooks = [dict(type='DistillLossWarmupHook', warmup_iters=2000)]
