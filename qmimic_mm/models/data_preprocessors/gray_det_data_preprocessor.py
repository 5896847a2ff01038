"""mmdet's detection data preprocessor for gray detectors that also takes
colour images."""
from mmdet.models.data_preprocessors import DetDataPreprocessor
from mmdet.registry import MODELS

from .gray_input import gray_inputs


@MODELS.register_module()
class GrayDetDataPreprocessor(DetDataPreprocessor):
    """:class:`mmdet.models.data_preprocessors.DetDataPreprocessor` that
    converts 3-channel BGR inputs to gray, as OpenCV does
    (:func:`~.gray_input.bgr_to_gray`), when the detector is gray (a
    one-value ``mean``).

    The configs' ``LoadImageFromFile(color_type='grayscale')`` already
    decodes files as gray; arrays given to mmdet's ``inference_detector``
    (``LoadImageFromNDArray``) or to the ONNX runner keep their channels,
    and would otherwise fail inside the first convolution. Gray inputs pass
    unchanged, so it is ``DetDataPreprocessor`` for them.

    Args:
        **kwargs: As :class:`DetDataPreprocessor`.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        """The parent's ``forward`` after a gray model's colour inputs
        become gray."""
        if self._enable_normalize and self.mean.shape[0] == 1:
            data = dict(data, inputs=gray_inputs(data['inputs']))
        return super().forward(data, training)
