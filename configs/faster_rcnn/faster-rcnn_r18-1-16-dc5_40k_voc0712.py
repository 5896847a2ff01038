# Student from scratch: ResNet18-1-16, every channel of ResNet18 / 16.
_base_ = './faster-rcnn_r18-dc5_40k_voc0712.py'

student_channels = 32  # 512 / 16
model = dict(
    backbone=dict(base_channels=4),
    rpn_head=dict(in_channels=student_channels, feat_channels=student_channels),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=student_channels),
        bbox_head=dict(in_channels=student_channels, fc_out_channels=64)))
