"""A cache of the frozen teacher's recorded features, keyed by its input.

The distillation teacher is frozen: no gradient, batch norm in eval mode,
its quantizer's scale fixed once calibrated. Its features are then a
function of its input alone, and the same (image, flip) comes back every
epoch, so they need to be computed only once.

The key of a sample is a digest of the teacher's whole input for it: the
normalised, flipped, resized and padded tensor ``batch_inputs[i]`` (with its
shape and dtype), plus the batch size. The digest covers everything that
shapes the features (the flip, the resize, the padding to the batch's
largest image, and any augmentation at all), so a hit is exact by
construction and no pipeline setting has to be trusted. The batch size is in
the key because a convolution may choose another algorithm for another batch
size (bitwise differences of ~1e-10 in the deeper CSPNeXt levels on CPU).

While a quantizer inside the teacher still calibrates, its forward has a
side effect (each batch moves the scale), so the algorithm neither stores
nor serves then (``QuantizationMimicDistill._teacher_cacheable``). The mimic
loss's own quantizer may calibrate on cached features: they are the very
values the teacher would give, so its scale comes out the same.

A batch is served from the cache only when every sample hits: the teacher
then does not run. Otherwise it runs on the whole batch, exactly as without
a cache, and each sample's records are stored. Records are per-sample slices
of each recorder's data (a tensor, or a tuple / list of tensors such as a
neck's levels, batch first), cloned so no batch tensor is kept alive.
"""
import hashlib
from typing import Any, Dict, List, Optional, Sequence

import torch

#: Recorder name -> its data buffer (one record per call of the source).
Records = Dict[str, List[Any]]


def _split(record: Any, batch_size: int, where: str) -> List[Any]:
    """One record (a tensor or a tuple / list of tensors) as per-sample
    clones."""
    if isinstance(record, torch.Tensor):
        if record.dim() == 0 or record.shape[0] != batch_size:
            raise ValueError(
                f'teacher_feature_cache: {where} records a tensor of shape '
                f'{tuple(record.shape)}, not one row per sample of the batch '
                f'of {batch_size}; the cache can only split per-sample '
                'records. Set model.teacher_feature_cache=None.')
        return [row.detach().clone() for row in record]
    if isinstance(record, (tuple, list)):
        parts = [_split(item, batch_size, where) for item in record]
        return [type(record)(p[i] for p in parts) for i in range(batch_size)]
    raise ValueError(f'teacher_feature_cache: {where} records a '
                     f'{type(record).__name__}, neither a tensor nor a tuple '
                     'of tensors. Set model.teacher_feature_cache=None.')


def _stack(samples: Sequence[Any]) -> Any:
    """Inverse of :func:`_split`: the batch record from per-sample ones."""
    first = samples[0]
    if isinstance(first, torch.Tensor):
        return torch.stack(list(samples))
    return type(first)(
        _stack([s[i] for s in samples]) for i in range(len(first)))


def _nbytes(record: Any) -> int:
    if isinstance(record, torch.Tensor):
        return record.numel() * record.element_size()
    return sum(_nbytes(item) for item in record)


class TeacherFeatureCache:
    """The teacher's records per sample, up to ``max_mb`` megabytes.

    Args:
        max_mb: Size bound of the stored tensors; once reached, nothing more
            is stored (what is stored keeps being served).

    Attributes:
        hits: Batches served from the cache.
        misses: Batches the teacher ran on.
        nbytes: Bytes of the stored tensors.
    """

    def __init__(self, max_mb: float = 512.0) -> None:
        if not max_mb > 0:
            raise ValueError(f'teacher_feature_cache.max_mb must be > 0, got '
                             f'{max_mb}')
        self.max_bytes = int(max_mb * 2**20)
        self._entries: Dict[bytes, Records] = {}
        self.hits = self.misses = self.nbytes = 0

    def __len__(self) -> int:
        """Number of samples stored."""
        return len(self._entries)

    @property
    def full(self) -> bool:
        """Whether the size bound has been reached."""
        return self.nbytes >= self.max_bytes

    @staticmethod
    def keys(batch_inputs: torch.Tensor) -> List[bytes]:
        """One digest per sample of the teacher's input batch."""
        batch = batch_inputs.detach()
        head = f'{tuple(batch.shape)}|{batch.dtype}|'.encode()
        cpu = batch.cpu().contiguous()
        if cpu.dtype == torch.bfloat16:  # numpy has no bfloat16
            cpu = cpu.view(torch.int16)
        return [
            hashlib.blake2b(head + row.numpy().tobytes(),
                            digest_size=20).digest() for row in cpu
        ]

    def get(self, keys: Sequence[bytes]) -> Optional[Records]:
        """The batch's records when every sample is stored, else None."""
        entries = [self._entries.get(k) for k in keys]
        if any(e is None for e in entries):
            self.misses += 1
            return None
        self.hits += 1
        return {
            name: [_stack([e[name][i] for e in entries])
                   for i in range(len(entries[0][name]))]
            for name in entries[0]
        }

    def put(self, keys: Sequence[bytes], records: Records) -> None:
        """Store each sample's slice of ``records`` (the recorders' data
        buffers after a teacher forward on the batch of ``keys``)."""
        batch = len(keys)
        split = {
            name: [_split(r, batch, f'the teacher recorder {name!r}')
                   for r in buffer]
            for name, buffer in records.items()
        }
        for i, key in enumerate(keys):
            if key in self._entries or self.full:
                continue
            entry = {name: [per_sample[i] for per_sample in buffers]
                     for name, buffers in split.items()}
            self._entries[key] = entry
            self.nbytes += sum(_nbytes(r) for rs in entry.values()
                               for r in rs)
