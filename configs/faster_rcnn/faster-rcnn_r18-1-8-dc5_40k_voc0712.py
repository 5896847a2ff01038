# A new student width is a config only: ResNet18-1-8 (channels / 8).
_base_ = [
    '../_base_/models/faster-rcnn_r18-dc5.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/sgd_40k.py', '../_base_/default_runtime.py'
]

student_channels = 64  # 512 / 8
model = dict(
    backbone=dict(base_channels=8),
    rpn_head=dict(in_channels=student_channels, feat_channels=student_channels),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=student_channels),
        bbox_head=dict(in_channels=student_channels, fc_out_channels=128)))
