# The quantized teacher with the paper's literal stride 1 (Sec. 3.5), the
# teacher of qmimic/rfcn_vgg1-32_paper-literal_wider.py.
_base_ = './rfcn_vgg1-4-quant_20k_wider.py'

model = dict(neck=dict(_delete_=True, type='UniformQuantizer', stride=1.0))
