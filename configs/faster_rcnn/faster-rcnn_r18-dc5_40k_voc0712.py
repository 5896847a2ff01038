# Teacher: full-precision Faster R-CNN ResNet18 on VOC 07+12 (paper Sec. 4.2).
_base_ = [
    '../_base_/models/faster-rcnn_r18-dc5.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/sgd_40k.py', '../_base_/default_runtime.py'
]
