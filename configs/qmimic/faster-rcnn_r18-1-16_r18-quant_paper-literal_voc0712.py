# Old name, kept for one release (docs/en/user_guides/train_test.md).
_base_ = './faster-rcnn_r18-quant_r18-1-16_paper-literal_40k_voc0712.py'
