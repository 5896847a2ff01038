# Quantization Mimic wiring (paper Fig. 1, Eq. 4-6), shared by every
# distillation config; each config names its teacher, student, adapter
# channels, RoIs and loss.
#   f_s, f_t: the last feature map of each (the backbone output);
#   i:        the RoIs the student's RoI head receives in training;
#   r:        a 1x1 convolution from student to teacher channels;
#   L_m:      QuantMimicLoss, logged as distill.loss_mimic.
model = dict(
    _scope_='mmrazor',
    type='QuantizationMimicDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone'),
            rois=dict(type='TrainingRoIs', source='roi_head',
                      roi_source='auto')),  # R-FCN (OHEM): proposals
        teacher_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone')),
        connectors=dict(
            adapter=dict(type='ConvModuleConnector', kernel_size=1,
                         norm_cfg=None, act_cfg=None)),
        distill_losses=dict(
            loss_mimic=dict(type='QuantMimicLoss', teacher_stride=16)),
        loss_forward_mappings=dict(
            loss_mimic=dict(
                s_feature=dict(from_student=True, recorder='feat',
                               data_idx=0, connector='adapter'),
                t_feature=dict(from_student=False, recorder='feat',
                               data_idx=0),
                rois=dict(from_student=True, recorder='rois')))))

find_unused_parameters = True
