from .wider_face import (WIDER_ATTRIBUTES, WiderFaceOfficialDataset,
                         WiderImageAnnotation, parse_wider_bbx_gt)

__all__ = [
    'WiderFaceOfficialDataset', 'WiderImageAnnotation', 'WIDER_ATTRIBUTES',
    'parse_wider_bbx_gt'
]
