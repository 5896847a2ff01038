"""The Quantization Mimic distillation algorithm (Wei et al. 2018, Fig. 1)."""
import os.path as osp
from typing import Dict, Optional, Union

import torch
from mmengine.model import BaseModel
from mmengine.runner import load_checkpoint
from mmrazor.models.algorithms import FpnTeacherDistill
from mmrazor.registry import MODELS

from qmimic_mm.utils import load_detector_cfg

PROBE_SIZE = 64  # pixels; enough for a stride-32 map of 2x2


@MODELS.register_module()
class QuantizationMimicDistill(FpnTeacherDistill):
    """Train a tiny detector with the RoI mimic loss of Eq. 4.

    ``L = L_cls^r + L_reg^r + L_cls^d + L_reg^d + lambda * L_m`` — the
    student's own RPN and RoI-head losses (logged as ``student.*``) plus the
    mimic losses declared in the distiller (``distill.*``, Eq. 5 or 6 via
    :class:`QuantMimicLoss`). The teacher (the quantized finetuned detector
    of Sec. 3.3, or a full-precision one for Li et al.'s baseline) runs only
    its feature extractor, frozen, under ``no_grad``, BN in eval mode.
    Validation and test evaluate the student.

    On top of MMRazor's ``FpnTeacherDistill`` this class

    * accepts ``dict(cfg_path='faster_rcnn/x.py')`` for the teacher and the
      student (``architecture``): a project config whose ``model`` is used;
    * loads ``teacher_ckpt`` strictly through the safe loader and fails at
      build time when the file is missing or does not fit the teacher;
    * probes both feature extractors once at build time so that an adapter
      whose output channels differ from the teacher's fails with the key,
      both values and the fix, not deep inside the first training step.

    Args:
        architecture (dict | BaseModel): The student detector.
        teacher (dict | BaseModel): The teacher detector.
        distiller (dict): An MMRazor ``ConfigurableDistiller`` config.
        teacher_ckpt (str, optional): Teacher checkpoint. Defaults to None.
        probe_channels (int, optional): Input channels of the build-time
            probe; None reads them from the data preprocessor's mean (3 if
            it has none). Defaults to None.
        **kwargs: Passed on to ``FpnTeacherDistill``.

    Example:
        >>> model = dict(_scope_='mmrazor', type='QuantizationMimicDistill',
        ...              architecture=dict(cfg_path='...'), teacher=...)
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher: Union[BaseModel, Dict],
                 distiller: Dict,
                 teacher_ckpt: Optional[str] = None,
                 probe_channels: Optional[int] = None,
                 **kwargs) -> None:
        super().__init__(
            architecture=load_detector_cfg(architecture, 'model.architecture'),
            teacher=load_detector_cfg(teacher, 'model.teacher'),
            distiller=distiller,
            teacher_ckpt=None,
            **kwargs)
        if teacher_ckpt:
            self._load_teacher(teacher_ckpt)
        self._check_feature_shapes(probe_channels)

    def _load_teacher(self, teacher_ckpt: str) -> None:
        """Strict, safe loading; errors name ``model.teacher_ckpt``."""
        if not osp.isfile(osp.expanduser(teacher_ckpt)):
            raise FileNotFoundError(
                f'model.teacher_ckpt: file not found: {teacher_ckpt}. Train '
                'the teacher first (tools/train.py <teacher config>) and set '
                '`teacher_ckpt` to its checkpoint.')
        try:
            load_checkpoint(
                self.teacher, teacher_ckpt, map_location='cpu', strict=True,
                revise_keys=[(r'^module\.', '')])
        except RuntimeError as err:
            raise ValueError(
                f'model.teacher_ckpt: {teacher_ckpt} does not fit the teacher '
                f'model ({str(err).strip()}). Point `teacher_ckpt` at a '
                'checkpoint trained with the same config as `teacher` (or a '
                'student extracted with tools/model_converters/'
                'extract_student.py).') from None
        self.teacher._is_init = True

    def _check_feature_shapes(self, probe_channels: Optional[int]) -> None:
        """Run both extractors on a tiny image; compare adapted channels."""
        mappings = self.distiller.loss_forward_mappings
        if not mappings:
            return
        if probe_channels is None:
            mean = getattr(self.data_preprocessor, 'mean', None)
            probe_channels = mean.numel() if mean is not None else 3
        probe = torch.zeros(1, probe_channels, PROBE_SIZE, PROBE_SIZE)
        modes = self.student.training, self.teacher.training
        self.student.eval()
        self.teacher.eval()
        try:
            with torch.no_grad():
                with self.distiller.teacher_recorders:
                    self.teacher.extract_feat(probe)
                with self.distiller.student_recorders:
                    self.student.extract_feat(probe)
                for loss_name, mapping in mappings.items():
                    self._check_mapping(loss_name, mapping)
        finally:
            self.student.train(modes[0])
            self.teacher.train(modes[1])

    def _check_mapping(self, loss_name: str, mapping: Dict) -> None:
        if not {'s_feature', 't_feature'} <= set(mapping):
            return
        student_cfg, teacher_cfg = mapping['s_feature'], mapping['t_feature']
        student = self.distiller.get_record(**student_cfg)
        teacher = self.distiller.get_record(**teacher_cfg)
        if student.shape[1] == teacher.shape[1]:
            return
        connector = student_cfg.get('connector')
        where = (f'model.distiller.connectors.{connector}' if connector else
                 f'model.distiller.loss_forward_mappings.{loss_name}.'
                 's_feature (no connector)')
        raise ValueError(
            f'{loss_name}: the student feature after {where} has '
            f'{student.shape[1]} channels but the teacher feature '
            f'({teacher_cfg.get("recorder")}) has {teacher.shape[1]}. Set '
            f'the adapter\'s out_channel to {teacher.shape[1]} (its '
            f'in_channel to the student\'s channels).')
