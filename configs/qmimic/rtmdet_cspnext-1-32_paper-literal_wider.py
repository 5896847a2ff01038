# Quantization Mimic for RTMDet exactly as Eq. 6 is written: the sum over
# every element of every region / 2N (N the ground-truth boxes of the
# batch), stride-1 quantizers on both maps, lambda 1 from the first
# iteration. Kept to compare with the scale-free default.
_base_ = './rtmdet_cspnext-1-32_wider.py'

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(
                loss_weight=1.0,
                normalize='regions',
                quantizer=dict(_delete_=True, type='UniformQuantizer',
                               stride=1.0)))))

custom_hooks = []
