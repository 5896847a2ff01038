# Region ablation: Quantization Mimic over every cell of every neck level
# (the whole-map baseline of FPN distillers), no region selection.
_base_ = './rtmdet_cspnext-1-32_wider.py'

model = dict(
    distiller=dict(student_recorders=dict(regions=dict(region='whole'))))
