# Table 6 ablation: the VGG-1-4 teacher finetuned with power-of-two
# quantization instead of uniform.
_base_ = './rfcn_vgg1-4-quant_20k_wider.py'

model = dict(neck=dict(_delete_=True, type='PowerOfTwoQuantizer', levels=8))
