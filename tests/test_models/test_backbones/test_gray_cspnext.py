"""GrayCSPNeXt: mmdet's CSPNeXt on 1-channel input."""
import torch
from mmdet.models.backbones import CSPNeXt
from mmdet.registry import MODELS

import qmimic_mm.models  # noqa: F401  (registers the project's modules)


def test_gray_stem_and_mmdet_widths():
    gray = MODELS.build(dict(type='GrayCSPNeXt', deepen_factor=0.167,
                             widen_factor=0.03125))
    colour = CSPNeXt(deepen_factor=0.167, widen_factor=0.03125)
    assert gray.stem[0].conv.in_channels == 1
    outs = gray(torch.rand(1, 1, 64, 96))
    ref = colour(torch.rand(1, 3, 64, 96))
    assert [o.shape for o in outs] == [r.shape for r in ref]
    assert [o.shape[1] for o in outs] == [8, 16, 32]  # 1/32 of RTMDet-l
    assert type(gray.stem[0].norm) is type(colour.stem[0].norm)
