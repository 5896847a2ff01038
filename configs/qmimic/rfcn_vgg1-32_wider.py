# Quantization Mimic on WIDER FACE (paper Sec. 4.1): the quantized VGG-1-4
# R-FCN teacher teaches VGG-1-32 through
#   L_m = 1/(2N) sum_i || Q(f_t^i) - Q(r(f_s^i)) ||^2        (Eq. 6)
# on conv5_3 of both, over the 2000 RPN proposals i (which OHEM scores),
# lambda = 1, uniform quantizer of stride 1, gray input, 80k iterations.
_base_ = [
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py', '../_base_/distill/quantization_mimic.py'
]

model = dict(
    architecture=dict(cfg_path='rfcn/rfcn_vgg1-32_80k_wider.py'),
    teacher=dict(cfg_path='rfcn/rfcn_vgg1-4-quant_20k_wider.py'),
    teacher_ckpt='work_dirs/rfcn_vgg1-4-quant_20k_wider/iter_20000.pth',
    distiller=dict(
        student_recorders=dict(rois=dict(roi_source='proposals')),
        connectors=dict(adapter=dict(in_channel=16, out_channel=128)),
        distill_losses=dict(
            loss_mimic=dict(
                loss_weight=1.0,
                quantizer=dict(type='UniformQuantizer', stride=1.0)))))
