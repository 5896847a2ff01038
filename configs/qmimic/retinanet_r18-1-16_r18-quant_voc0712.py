# Old name, kept for one release (docs/en/user_guides/train_test.md).
_base_ = './retinanet_r18-quant_r18-1-16_40k_voc0712.py'
