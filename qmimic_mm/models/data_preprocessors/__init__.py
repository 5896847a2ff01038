from .gray_det_data_preprocessor import GrayDetDataPreprocessor
from .gray_input import bgr_to_gray, gray_inputs

__all__ = ['GrayDetDataPreprocessor', 'bgr_to_gray', 'gray_inputs']
