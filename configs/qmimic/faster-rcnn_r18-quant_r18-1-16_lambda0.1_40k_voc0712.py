# Table 9 ablation: mimic loss weight lambda = 0.1 (see the lambda1 config).
_base_ = './faster-rcnn_r18-quant_r18-1-16_40k_voc0712.py'

model = dict(distiller=dict(distill_losses=dict(loss_mimic=dict(loss_weight=0.1))))
