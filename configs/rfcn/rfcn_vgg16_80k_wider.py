# R-FCN with gray VGG16 on WIDER FACE (paper Tables 1 and 3).
_base_ = [
    '../_base_/models/rfcn_vgg16.py', '../_base_/datasets/wider_face_gray.py',
    '../_base_/schedules/sgd_80k.py', '../_base_/default_runtime.py'
]
