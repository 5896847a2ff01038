from .gray_det_data_preprocessor import GrayDetDataPreprocessor
from .same_device_det_data_preprocessor import SameDeviceDetDataPreprocessor

__all__ = ['GrayDetDataPreprocessor', 'SameDeviceDetDataPreprocessor']
