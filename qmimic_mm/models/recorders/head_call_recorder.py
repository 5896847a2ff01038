"""Shared part of the recorders that capture what a student's head is
called with in training (the mimic loss's RoIs or regions)."""
from typing import Any, Optional

from mmrazor.models.task_modules.recorder.base_recorder import BaseRecorder
from torch import nn


class HeadCallRecorder(BaseRecorder):
    """Base of :class:`TrainingRoIsRecorder` and
    :class:`DenseMimicRegionsRecorder`: records only inside the distiller's
    recording context, finds the head by its module path with a clear
    error, and hands out the latest record (a head that runs twice in one
    step would otherwise count its RoIs or regions twice).

    Subclasses set :attr:`head_kind` and :attr:`record_kind` for messages
    and wrap the head's method in ``prepare_from_model``.

    Args:
        source (str): Module path of the head.
    """

    #: What ``source`` should name, e.g. 'RoI head (e.g. "roi_head")'.
    head_kind = 'head'
    #: What a record holds, for the empty-buffer error.
    record_kind = 'records'

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self._recording = False

    def find_head(self, model: Optional[nn.Module]) -> nn.Module:
        """The module at ``source``; a clear error when there is none."""
        assert model is not None, 'model can not be None.'
        try:
            return model.get_submodule(self.source)
        except AttributeError:
            raise ValueError(
                f'{type(self).__name__}: the student has no module '
                f'{self.source!r}; set `source` to its {self.head_kind}.'
            ) from None

    def get_record_data(self, record_idx: int = -1,
                        data_idx: Optional[int] = None) -> Any:
        """The latest record."""
        if not self.data_buffer:
            raise RuntimeError(
                f'{type(self).__name__}: no {self.record_kind} were recorded '
                'during the student forward; is the recorder attached to the '
                'head that runs in training (`source`)?')
        return self.data_buffer[record_idx]

    def __enter__(self) -> None:
        super().__enter__()
        self._recording = True

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        super().__exit__(exc_type, exc_value, traceback)
        self._recording = False
