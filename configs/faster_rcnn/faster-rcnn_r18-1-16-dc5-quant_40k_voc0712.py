# Ablation "quantization only" (Table 5): the student with the uniform
# quantizer on its last feature activation and no mimic loss.
_base_ = './faster-rcnn_r18-1-16-dc5_40k_voc0712.py'

model = dict(neck=dict(type='UniformQuantizer', levels=40))
