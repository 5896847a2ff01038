# Table 5 ablation "quantization only": VGG-1-32 with the uniform quantizer
# on conv5_3's activation and no mimic.
_base_ = './rfcn_vgg1-32_80k_wider.py'

model = dict(neck=dict(type='UniformQuantizer', levels=40))
