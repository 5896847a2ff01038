# A new student width is a config only: ResNet18-1-8 (channels / 8).
_base_ = './faster-rcnn_r18-1-16-dc5_40k_voc0712.py'

student_channels = 64  # 512 / 8
model = dict(
    backbone=dict(base_channels=8),
    rpn_head=dict(in_channels=student_channels, feat_channels=student_channels),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=student_channels),
        bbox_head=dict(in_channels=student_channels, fc_out_channels=128)))
