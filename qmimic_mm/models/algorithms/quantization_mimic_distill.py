"""The Quantization Mimic distillation algorithm (Wei et al. 2018, Fig. 1)."""
import logging
from typing import Any, ContextManager, Dict, List, Optional, Union

import torch
from mmengine.logging import print_log
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms import FpnTeacherDistill
from mmrazor.models.utils import add_prefix
from mmrazor.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.dropout import _DropoutNd

from qmimic_mm.models.necks import QuantizedNeck
from qmimic_mm.models.quantizers import FeatureQuantizer
from qmimic_mm.models.quantizers.base_quantizer import \
    uncalibrated_passthrough
from qmimic_mm.utils.config_paths import load_detector_cfg
from qmimic_mm.utils.errors import InvalidInputError
from .checkpoint_fit import read_state_dict, state_mismatch
from .teacher_feature_cache import TeacherFeatureCache

PROBE_SIZE = 64  # pixels; enough for a stride-32 map of 2x2
#: State-dict suffixes of a calibrated quantizer's measured scale.
CALIBRATION_KEYS = ('calib_percentile_value', 'calib_batches_seen')


@MODELS.register_module()
class QuantizationMimicDistill(FpnTeacherDistill):
    """Train a tiny detector with the mimic loss of Eq. 4.

    ``L = L_cls^r + L_reg^r + L_cls^d + L_reg^d + lambda * L_m`` — the
    student's own detection losses (logged as ``student.*``: RPN and RoI head
    for a two-stage detector, the dense head for a one-stage one) plus the
    mimic losses declared in the distiller (``distill.*``, Eq. 5 or 6 via
    :class:`QuantMimicLoss` over RoIs, or :class:`MultiLevelQuantMimicLoss`
    over the mimic regions of every neck level). The teacher (the quantized
    finetuned detector of Sec. 3.3, or a full-precision one for Li et al.'s
    baseline) runs only its feature extractor, frozen, under ``no_grad``, BN
    in eval mode. Validation and test evaluate the student.

    On top of MMRazor's ``FpnTeacherDistill`` this class

    * accepts ``dict(cfg_path='faster_rcnn/x.py')`` for the teacher and the
      student (``architecture``): a project config whose ``model`` is used;
    * loads ``teacher_ckpt`` strictly through the safe loader and fails at
      build time when the file is missing or does not fit the teacher;
    * probes both feature extractors once at build time so that an adapter
      whose output channels differ from the teacher's fails with the key,
      both values and the fix, not deep inside the first training step;
    * gives a calibrated mimic-loss quantizer the scale of the teacher's own
      quantizer (the ``Q`` it was finetuned with, Sec. 3.3) when the teacher
      has one, so Eq. 6 compares on the teacher's dictionary (per level for
      a :class:`QuantizedNeck` teacher);
    * fails at build time, naming the key and the levels that exist, when a
      mapping's ``data_idx`` picks a level the recorded neck does not have;
    * builds and initialises its student from the RNG exactly as a plain
      training of it with the same seed (teacher and adapter under a fork
      of the RNG, :meth:`init_weights`), so the students of one seed start
      from the same weights;
    * optionally reuses the frozen teacher's features of inputs seen before
      (``teacher_feature_cache``, :class:`TeacherFeatureCache`), exactly;
    * adds diagnostics to the training log (keys without ``loss``, so they
      are logged, not optimised): ``diag.match_ratio`` (Fig. 5's per-RoI
      matching ratio on the maps the loss compares), ``diag.dead_units``
      (share of the student's last-map channels that are zero on the whole
      batch; per level as ``.l{i}`` for a neck's maps, as is the matching
      ratio) and ``diag.mimic_det_ratio`` (weighted mimic losses over the
      student's detection losses: "gradient focus" shows as a ratio >> 1).

    Args:
        architecture (dict | BaseModel): The student detector.
        teacher (dict | BaseModel): The teacher detector.
        distiller (dict): An MMRazor ``ConfigurableDistiller`` config.
        teacher_ckpt (str, optional): Teacher checkpoint. Defaults to None.
        probe_channels (int, optional): Input channels of the build-time
            probe; None reads them from the data preprocessor's mean (3 if
            it has none). Defaults to None.
        teacher_feature_cache (dict, optional): ``dict(max_mb=512)``
            computes the frozen teacher's features once per distinct input
            (image, flip, padding) and reuses them
            (:class:`TeacherFeatureCache`: exact, keyed by a digest of the
            teacher's input); not while a teacher quantizer still
            calibrates. None (the default) runs the teacher on every step.
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
                 teacher_feature_cache: Optional[Dict] = None,
                 **kwargs) -> None:
        architecture = load_detector_cfg(architecture, 'model.architecture')
        if isinstance(architecture, dict):
            # the student first, from the RNG as a plain training builds it
            architecture = MODELS.build(architecture)
        # Teacher, distiller and the build-time checks draw from a fork of
        # the RNG: the global RNG is left where a plain student's build
        # leaves it (see init_weights).
        with _fork_rng():
            super().__init__(
                architecture=architecture,
                teacher=load_detector_cfg(teacher, 'model.teacher'),
                distiller=distiller,
                teacher_ckpt=None,
                **kwargs)
            if teacher_ckpt:
                self._load_teacher(teacher_ckpt)
            self._share_teacher_quantizer_scale()
            self._check_feature_shapes(probe_channels)
        self.teacher_feature_cache = self._build_cache(teacher_feature_cache)
        self._cache_bypass_logged = False

    def init_weights(self) -> None:
        """Initialise the student as a plain training of it would, then the
        rest under a fork of the RNG.

        The student is built first and everything after it (teacher,
        adapter) is built and initialised under a fork of the RNG, so the
        global RNG passes through exactly the states of a plain training of
        the student with the same seed: the students of one seed (scratch,
        Q-only, mimic, Quantization Mimic) start from the same weights
        where their architectures agree, and their training draws
        (samplers) start from the same RNG state.
        """
        if not self.student.is_init:
            self.student.init_weights()
        with _fork_rng():
            super().init_weights()

    def _load_teacher(self, teacher_ckpt: str) -> None:
        """Strict, safe loading; errors name ``model.teacher_ckpt``."""
        state = read_state_dict(
            teacher_ckpt, 'model.teacher_ckpt',
            'Train the teacher first (tools/train.py <teacher config>) and '
            'set `teacher_ckpt` to its checkpoint.')
        own = self.teacher.state_dict()
        # A teacher trained before its quantizer was calibrated (e.g. the fp
        # teacher under a quantized-teacher config) lacks only the scale: it
        # is then measured on the first batches, like a fresh finetune.
        uncalibrated = [k for k in own
                        if k not in state and k.endswith(CALIBRATION_KEYS)]
        mismatch = state_mismatch(own, state, may_miss=uncalibrated)
        if mismatch:
            raise InvalidInputError(
                f'model.teacher_ckpt: {teacher_ckpt} does not fit the teacher '
                f'model ({mismatch}). Point '
                '`teacher_ckpt` at a checkpoint trained with the same config '
                'as `teacher` (or a student extracted with '
                'tools/model_converters/extract_student.py).')
        self.teacher.load_state_dict(state, strict=False)
        if uncalibrated:
            print_log(
                f'model.teacher_ckpt: {teacher_ckpt} holds no quantizer scale '
                f'for {uncalibrated}; it will be calibrated on the first '
                'training batches', logger='current', level=logging.WARNING)
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
            with torch.no_grad(), uncalibrated_passthrough():
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
        for arg, record_cfg in mapping.items():
            self._check_data_idx(loss_name, arg, record_cfg)
        if not {'s_feature', 't_feature'} <= set(mapping):
            return
        student_cfg, teacher_cfg = mapping['s_feature'], mapping['t_feature']
        student = self.distiller.get_record(**student_cfg)
        teacher = self.distiller.get_record(**teacher_cfg)
        connector = student_cfg.get('connector')
        where = (f'model.distiller.connectors.{connector}' if connector else
                 f'model.distiller.loss_forward_mappings.{loss_name}.'
                 's_feature (no connector)')
        students, teachers = as_levels(student), as_levels(teacher)
        if len(students) != len(teachers):
            raise ValueError(
                f'{loss_name}: the student feature after {where} has '
                f'{len(students)} levels but the teacher feature '
                f'({teacher_cfg.get("recorder")}) has {len(teachers)}. Record '
                'necks with the same number of outputs, or pick one level of '
                'each with `data_idx`.')
        for level, (s_map, t_map) in enumerate(zip(students, teachers)):
            if s_map.shape[1] == t_map.shape[1]:
                continue
            at = f' at level {level}' if len(students) > 1 else ''
            raise ValueError(
                f'{loss_name}: the student feature after {where} has '
                f'{s_map.shape[1]} channels{at} but the teacher feature '
                f'({teacher_cfg.get("recorder")}) has {t_map.shape[1]}. Set '
                f'the adapter\'s out_channel to {t_map.shape[1]} (its '
                'in_channel to the student\'s channels).')

    def _check_data_idx(self, loss_name: str, arg: str,
                        record_cfg: Dict) -> None:
        """A ``data_idx`` past the recorded tuple (e.g. level 5 of a 3-level
        neck) names the key and the levels that exist."""
        data_idx = record_cfg.get('data_idx')
        if data_idx is None or 'recorder' not in record_cfg:
            return
        manager = (self.distiller.student_recorders
                   if record_cfg.get('from_student') else
                   self.distiller.teacher_recorders)
        recorder = manager.get_recorder(record_cfg['recorder'])
        if not recorder.data_buffer:
            return  # recorded in the loss forward only (e.g. regions)
        record = recorder.data_buffer[record_cfg.get('record_idx', 0)]
        if isinstance(record, (tuple, list)) and \
                not -len(record) <= data_idx < len(record):
            raise ValueError(
                f'model.distiller.loss_forward_mappings.{loss_name}.{arg}.'
                f'data_idx={data_idx}: the recorder '
                f'{record_cfg["recorder"]!r} ({recorder.source}) records '
                f'{len(record)} levels, so data_idx must be one of '
                f'{list(range(len(record)))}.')

    def _share_teacher_quantizer_scale(self) -> None:
        """Copy a calibrated teacher quantizer's scale into the loss's: the
        one map quantizer of an RoI detector, or the per-level quantizers of
        a :class:`QuantizedNeck`."""
        teacher_neck = getattr(self.teacher, 'neck', None)
        if isinstance(teacher_neck, QuantizedNeck):
            teacher_qs = list(teacher_neck.quantizers)
        elif isinstance(teacher_neck, FeatureQuantizer):
            teacher_qs = [teacher_neck]
        else:
            return
        for name, loss in self.distiller.distill_losses.items():
            loss_qs = getattr(loss, 'quantizers', None)
            if loss_qs is None:
                loss_qs = [getattr(loss, 'quantizer', None)]
            if len(loss_qs) != len(teacher_qs):
                continue
            for level, (loss_q, teacher_q) in enumerate(zip(loss_qs,
                                                            teacher_qs)):
                if not (type(loss_q) is type(teacher_q) and
                        teacher_q.calibrating_scale and
                        teacher_q.is_calibrated and
                        loss_q.calibrating_scale and
                        loss_q.levels == teacher_q.levels):
                    continue
                loss_q.adopt_scale(teacher_q)
                at = f' level {level}' if len(teacher_qs) > 1 else ''
                print_log(
                    f'{name}:{at} quantizer scale {loss_q.scale():.6g} taken '
                    'from the teacher\'s quantizer (model.teacher.neck)',
                    logger='current')

    def loss(self,
             batch_inputs: torch.Tensor,
             data_samples: Optional[List[BaseDataElement]] = None) -> dict:
        """Eq. 4's losses plus the ``diag.*`` diagnostics."""
        if self.teacher_feature_cache is None:
            losses = super().loss(batch_inputs, data_samples)
        else:
            losses = self._cached_teacher_loss(batch_inputs, data_samples)
        if not self.distillation_stopped:
            losses.update(self._diagnostics(losses))
        return losses

    # ----------------------------------------------- teacher feature cache
    def _build_cache(self,
                     cfg: Optional[Dict]) -> Optional[TeacherFeatureCache]:
        if cfg is None:
            return None
        if self.teacher_trainable or not self.teacher_norm_eval:
            raise ValueError(
                'model.teacher_feature_cache needs a frozen teacher '
                '(teacher_trainable=False, teacher_norm_eval=True): a '
                'trained teacher or one with batch statistics gives other '
                'features every step. Set model.teacher_feature_cache=None.')
        if self.distiller.deliveries.deliveries:
            raise ValueError(
                'model.teacher_feature_cache: the distiller has deliveries '
                f'({list(self.distiller.deliveries.deliveries)}), which '
                'record the teacher\'s forward; the cache would skip them. '
                'Set model.teacher_feature_cache=None.')
        return TeacherFeatureCache(**cfg)

    def _teacher_cacheable(self) -> bool:
        """Whether the teacher's features are a function of its input now:
        batch norm in eval mode, no active dropout, every quantizer's scale
        frozen (a calibrating one observes each batch)."""
        reason = ''
        for name, module in self.teacher.named_modules():
            if isinstance(module, _BatchNorm) and module.training:
                reason = f'batch norm {name} in training mode'
            elif isinstance(module, _DropoutNd) and module.training and \
                    module.p > 0:
                reason = f'dropout {name} active'
            elif isinstance(module, FeatureQuantizer) and \
                    not module.is_calibrated:
                reason = f'quantizer {name} still calibrating'
            if reason:
                break
        if reason and not self._cache_bypass_logged:
            print_log(f'teacher_feature_cache: bypassed while the teacher\'s '
                      f'{reason}', logger='current')
            self._cache_bypass_logged = True
        return not reason

    def _record_teacher(self, batch_inputs: torch.Tensor) -> None:
        """Fill the teacher recorders: from the cache when every sample of
        the batch is stored, else by the teacher's forward (then stored)."""
        cache = self.teacher_feature_cache
        recorders = self.distiller.teacher_recorders.recorders
        keys = None
        if cache is not None and self._teacher_cacheable():
            keys = cache.keys(batch_inputs)
            records = cache.get(keys)
            if records is not None:
                for name, recorder in recorders.items():
                    recorder.reset_data_buffer()
                    recorder.data_buffer.extend(records[name])
                return
        with self.distiller.teacher_recorders, self.distiller.deliveries:
            with torch.no_grad():
                self.teacher.extract_feat(batch_inputs)
        if keys is not None:
            cache.put(keys, {name: recorder.data_buffer
                             for name, recorder in recorders.items()})

    def _cached_teacher_loss(
            self, batch_inputs: torch.Tensor,
            data_samples: Optional[List[BaseDataElement]]) -> dict:
        """``FpnTeacherDistill.loss`` with the teacher's forward through
        :meth:`_record_teacher`."""
        losses: Dict[str, Any] = {}
        self.distiller.set_deliveries_override(False)
        self._record_teacher(batch_inputs)
        self.distiller.set_deliveries_override(True)
        with self.distiller.student_recorders, self.distiller.deliveries:
            student_losses = self.student(batch_inputs, data_samples,
                                          mode='loss')
        losses.update(add_prefix(student_losses, 'student'))
        if not self.distillation_stopped:
            losses.update(add_prefix(self.distiller.compute_distill_losses(),
                                     'distill'))
        cache = self.teacher_feature_cache
        total = cache.hits + cache.misses
        losses['diag.teacher_cache_hit'] = batch_inputs.new_tensor(
            cache.hits / total if total else 0.0)
        losses['diag.teacher_cache_mb'] = batch_inputs.new_tensor(
            cache.nbytes / 2**20)
        return losses

    @torch.no_grad()
    def _diagnostics(self, losses: dict) -> Dict[str, torch.Tensor]:
        reduced = self.parse_losses(losses)[1]  # mmengine's reduction

        def total(prefix: str) -> torch.Tensor:
            values = [v for k, v in reduced.items()
                      if k.startswith(prefix) and 'loss' in k]
            return sum(values) if values else torch.zeros(())

        diag: Dict[str, torch.Tensor] = {}
        det = total('student.')
        diag['diag.mimic_det_ratio'] = (
            total('distill.') / det.clamp(min=1e-12)).detach()
        ratios = [loss.last_stats['match_ratio']
                  for loss in self.distiller.distill_losses.values()
                  if 'match_ratio' in getattr(loss, 'last_stats', {})]
        if ratios:
            diag['diag.match_ratio'] = det.new_tensor(sum(ratios) /
                                                      len(ratios))
        for loss in self.distiller.distill_losses.values():
            for key, value in getattr(loss, 'last_stats', {}).items():
                if key.startswith('match_ratio.l'):  # per level
                    diag[f'diag.{key}'] = det.new_tensor(value)
        dead = []
        for mapping in self.distiller.loss_forward_mappings.values():
            if 's_feature' not in mapping:
                continue
            record = self.distiller.get_record(
                **{k: v for k, v in mapping['s_feature'].items()
                   if k != 'connector'})
            levels = [dead_unit_fraction(f) for f in as_levels(record)]
            dead.extend(levels)
            if len(levels) > 1:
                diag.update({f'diag.dead_units.l{i}': d
                             for i, d in enumerate(levels)})
        if dead:
            diag['diag.dead_units'] = torch.stack(dead).mean()
        return diag


def _fork_rng() -> ContextManager:
    """A fork of the CPU RNG, and of every CUDA device's once CUDA is in
    use (their states are restored on exit)."""
    cuda = torch.cuda.is_available() and torch.cuda.is_initialized()
    return torch.random.fork_rng(
        devices=list(range(torch.cuda.device_count())) if cuda else [])


def as_levels(record: Any) -> List[torch.Tensor]:
    """A recorded map, or a neck's tuple of level maps, as a list."""
    return list(record) if isinstance(record, (tuple, list)) else [record]


def dead_unit_fraction(feature: torch.Tensor) -> torch.Tensor:
    """Share of the channels of a (B, C, H, W) map that are zero everywhere
    in the batch (dead ReLU units)."""
    alive = feature.detach().abs().amax(dim=(0, 2, 3)) > 0
    return 1.0 - alive.float().mean()
