# Quantization Mimic for RetinaNet exactly as Eq. 6 is written: the sum over
# every region element / 2N (N the ground-truth boxes), signed stride-1
# quantizers on both maps, lambda 1 from the first iteration.
_base_ = './retinanet_r18-1-32_wider.py'

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_mimic=dict(
                loss_weight=1.0,
                normalize='regions',
                quantizer=dict(_delete_=True, type='UniformQuantizer',
                               stride=1.0, signed=True)))))

custom_hooks = []
