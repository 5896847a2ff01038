# Quantization Mimic on WIDER FACE (paper Sec. 4.1, Fig. 1, Eq. 4 and 6):
# the quantized VGG-1-4 R-FCN teacher teaches VGG-1-32 through
#   L_m = 1/(2N) sum_i || Q(f_t^i) - Q(r(f_s^i)) ||^2
# over the 2000 RPN proposals i (which OHEM scores), on conv5_3 of both,
# with lambda = 1, a uniform quantizer of stride 1, gray input, 80k iters.
_base_ = [
    '../_base_/datasets/wider_face_gray.py', '../_base_/schedules/sgd_80k.py',
    '../_base_/default_runtime.py'
]

teacher_ckpt = 'work_dirs/rfcn_vgg1-4-quant_20k_wider/iter_20000.pth'
student_channels, teacher_channels = 16, 128

model = dict(
    _scope_='mmrazor',
    type='QuantizationMimicDistill',
    architecture=dict(cfg_path='rfcn/rfcn_vgg1-32_80k_wider.py'),
    teacher=dict(cfg_path='rfcn/rfcn_vgg1-4-quant_20k_wider.py'),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='ConfigurableDistiller',
        # f_s, f_t: conv5_3 of each; i: every proposal the student's head
        # receives in training.
        student_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone'),
            rois=dict(type='TrainingRoIs', source='roi_head',
                      roi_source='proposals')),
        teacher_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone')),
        # r: a 1x1 convolution from 16 to 128 channels.
        connectors=dict(
            adapter=dict(type='ConvModuleConnector',
                         in_channel=student_channels,
                         out_channel=teacher_channels, kernel_size=1,
                         norm_cfg=None, act_cfg=None)),
        distill_losses=dict(
            loss_mimic=dict(type='QuantMimicLoss', loss_weight=1.0,
                            quantizer=dict(type='UniformQuantizer',
                                           stride=1.0),
                            teacher_stride=16)),
        loss_forward_mappings=dict(
            loss_mimic=dict(
                s_feature=dict(from_student=True, recorder='feat',
                               data_idx=0, connector='adapter'),
                t_feature=dict(from_student=False, recorder='feat',
                               data_idx=0),
                rois=dict(from_student=True, recorder='rois')))))

find_unused_parameters = True
