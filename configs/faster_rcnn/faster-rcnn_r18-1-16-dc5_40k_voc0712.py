# Student from scratch: ResNet18-1-16, every channel of ResNet18 / 16.
_base_ = [
    '../_base_/models/faster-rcnn_r18-dc5.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/sgd_40k.py', '../_base_/default_runtime.py'
]

student_channels = 32  # 512 / 16
model = dict(
    backbone=dict(base_channels=4),
    rpn_head=dict(in_channels=student_channels, feat_channels=student_channels),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=student_channels),
        bbox_head=dict(in_channels=student_channels, fc_out_channels=64)))
