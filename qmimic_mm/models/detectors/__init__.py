from .shallow_copy_faster_rcnn import ShallowCopyFasterRCNN

__all__ = ['ShallowCopyFasterRCNN']
