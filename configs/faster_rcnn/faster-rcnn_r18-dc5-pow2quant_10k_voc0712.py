# Table 6 ablation: the teacher finetuned with a power-of-two quantizer.
_base_ = './faster-rcnn_r18-dc5-quant_10k_voc0712.py'

model = dict(neck=dict(_delete_=True, type='PowerOfTwoQuantizer', levels=8))
