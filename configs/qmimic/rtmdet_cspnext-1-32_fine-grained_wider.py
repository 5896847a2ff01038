# Region ablation: Quantization Mimic over Wang et al. 2019's fine-grained
# imitation mask (the locations whose point prior, read as a square of 8
# strides, has IoU >= 0.5 x the best IoU for some face) instead of the
# ground-truth boxes.
_base_ = './rtmdet_cspnext-1-32_wider.py'

model = dict(
    distiller=dict(
        student_recorders=dict(
            regions=dict(region='fine_grained', psi=0.5))))
