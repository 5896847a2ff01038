"""mmdet's detection data preprocessor for a gray detector that may be
given colour images."""
from mmdet.models.data_preprocessors import DetDataPreprocessor
from mmdet.registry import MODELS

from .gray_input import gray_inputs


@MODELS.register_module()
class GrayDetDataPreprocessor(DetDataPreprocessor):
    """:class:`mmdet.models.data_preprocessors.DetDataPreprocessor` that
    turns 3-channel BGR inputs into gray when the detector is gray (a
    one-value ``mean``).

    mmdet's ``inference_detector`` given an array replaces the config's
    ``LoadImageFromFile(color_type='grayscale')``, so a gray detector would
    receive BGR images and fail inside its first convolution. They are
    converted as OpenCV converts a colour file
    (:func:`~.gray_input.bgr_to_gray`), so the detections equal those of
    the gray image. Gray inputs, and every input of a colour detector, are
    left as they are.

    Args:
        **kwargs: As :class:`DetDataPreprocessor`.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        """The parent's ``forward``; a gray model's colour inputs become
        gray first."""
        if self._enable_normalize and self.mean.shape[0] == 1:
            data = dict(data, inputs=gray_inputs(data['inputs']))
        return super().forward(data, training)
