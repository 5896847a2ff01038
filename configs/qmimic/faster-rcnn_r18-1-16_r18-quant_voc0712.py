# Quantization Mimic on Pascal VOC 07+12 (paper Sec. 4.2, Eq. 4 and 6):
# the quantized ResNet18 teacher teaches ResNet18-1-16 through
#   L_m = 1/(2N) sum_i || Q(f_t^i) - Q(r(f_s^i)) ||^2   over the 128 RoIs,
# with lambda = 1 and a uniform quantizer of stride 1.
_base_ = [
    '../_base_/datasets/voc0712.py', '../_base_/schedules/sgd_40k.py',
    '../_base_/default_runtime.py'
]

teacher_ckpt = 'work_dirs/faster-rcnn_r18-dc5-quant_10k_voc0712/iter_10000.pth'
student_channels, teacher_channels = 32, 512

model = dict(
    _scope_='mmrazor',
    type='QuantizationMimicDistill',
    architecture=dict(cfg_path='faster_rcnn/faster-rcnn_r18-1-16-dc5_40k_voc0712.py'),
    teacher=dict(cfg_path='faster_rcnn/faster-rcnn_r18-dc5-quant_10k_voc0712.py'),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='ConfigurableDistiller',
        # f_s, f_t: the last feature maps; i: the RoIs the student trains on.
        student_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone'),
            rois=dict(type='TrainingRoIs', source='roi_head',
                      roi_source='sampled')),
        teacher_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone')),
        # r: a 1x1 convolution from student to teacher channels.
        connectors=dict(
            adapter=dict(type='ConvModuleConnector',
                         in_channel=student_channels,
                         out_channel=teacher_channels, kernel_size=1,
                         norm_cfg=None, act_cfg=None)),
        distill_losses=dict(
            loss_mimic=dict(type='QuantMimicLoss', loss_weight=1.0,
                         quantizer=dict(type='UniformQuantizer', stride=1.0),
                         teacher_stride=16)),
        loss_forward_mappings=dict(
            loss_mimic=dict(
                s_feature=dict(from_student=True, recorder='feat',
                               data_idx=0, connector='adapter'),
                t_feature=dict(from_student=False, recorder='feat',
                               data_idx=0),
                rois=dict(from_student=True, recorder='rois')))))

find_unused_parameters = True
