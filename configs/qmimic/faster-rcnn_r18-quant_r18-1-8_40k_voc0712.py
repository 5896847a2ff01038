# A new student is a short config: ResNet18-1-8 taught by the same teacher.
_base_ = './faster-rcnn_r18-quant_r18-1-16_40k_voc0712.py'

model = dict(
    architecture=dict(cfg_path='faster_rcnn/faster-rcnn_r18-1-8-dc5_40k_voc0712.py'),
    distiller=dict(connectors=dict(adapter=dict(in_channel=64))))
