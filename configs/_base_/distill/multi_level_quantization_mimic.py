# Quantization Mimic for one-stage detectors: Eq. 6 on every level of the
# neck of both detectors, over mimic regions chosen per level:
#   f_s, f_t: the neck's tuple of level maps (ModuleOutputs on `neck`);
#   i:        the regions of DenseMimicRegions on the student's dense head:
#             'boxes' (ground truth projected per level), 'fine_grained'
#             (Wang et al. 2019, psi 0.5) or 'whole' (every cell);
#   r:        one 1x1 convolution per level (MultiLevelConnector);
#   Q:        one quantizer per level inside the loss, each calibrated on
#             the teacher's map of that level (or the quantized teacher's
#             own scale), logged as distill.loss_mimic;
#   diag.*:   match ratio and dead units, overall and per level (.l{i}).
# Each config sets the teacher, the student, the adapters' channels, the
# number of levels and the loss.
model = dict(
    _scope_='mmrazor',
    type='QuantizationMimicDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            feat=dict(type='ModuleOutputs', source='neck'),
            regions=dict(type='DenseMimicRegions', source='bbox_head',
                         region='boxes')),
        teacher_recorders=dict(
            feat=dict(type='ModuleOutputs', source='neck')),
        connectors=dict(adapters=dict(type='MultiLevelConnector')),
        distill_losses=dict(
            loss_mimic=dict(type='MultiLevelQuantMimicLoss')),
        loss_forward_mappings=dict(
            loss_mimic=dict(
                s_feature=dict(from_student=True, recorder='feat',
                               connector='adapters'),
                t_feature=dict(from_student=False, recorder='feat'),
                regions=dict(from_student=True, recorder='regions')))))

find_unused_parameters = True
