from .demo_faces import (DEMO_SPLITS, DemoFacesConfig, SplitAssets,
                         make_demo_faces, split_assets)
from .wider_face import (WIDER_ATTRIBUTES, WiderFaceOfficialDataset,
                         WiderImageAnnotation, parse_wider_bbx_gt)

__all__ = [
    'WiderFaceOfficialDataset', 'WiderImageAnnotation', 'WIDER_ATTRIBUTES',
    'parse_wider_bbx_gt', 'DemoFacesConfig', 'make_demo_faces', 'DEMO_SPLITS',
    'SplitAssets', 'split_assets'
]
