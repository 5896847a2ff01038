# The quantized ResNet18 teacher with the paper's literal stride 1, the
# teacher of qmimic/faster-rcnn_r18-quant_r18-1-16_paper-literal_40k_voc0712.py.
_base_ = './faster-rcnn_r18-dc5-quant_10k_voc0712.py'

model = dict(neck=dict(_delete_=True, type='UniformQuantizer', stride=1.0))
