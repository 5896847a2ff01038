from .wider_face import (WIDER_ATTRIBUTES, WiderFaceOfficialDataset,
                         WiderImageAnnotation, parse_wider_bbx_gt)

# The synthetic face renderer (demo_faces: cv2, scikit-image, tqdm) is not
# imported here: `from qmimic_mm.datasets.demo_faces import ...` when needed.
__all__ = [
    'WiderFaceOfficialDataset', 'WiderImageAnnotation', 'WIDER_ATTRIBUTES',
    'parse_wider_bbx_gt'
]
