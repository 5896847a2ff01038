"""Safe loading of mmengine checkpoints on torch >= 2.6.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine 0.10.7
calls ``torch.load`` without arguments, so its own checkpoints (which pickle
the message hub's ``HistoryBuffer`` and numpy scalars) fail to load
(upstream: open-mmlab/mmengine issue #1655, PR #1650). That breaks
``--resume``, ``load_from`` and MMRazor's ``teacher_ckpt``.

The fix keeps ``weights_only=True`` and allow-lists exactly the types mmengine
writes. An mmengine message hub also pickles ``builtins.getattr`` (its
statistics methods ``min``/``max``/``current``/``mean`` are looked up on the
``HistoryBuffer`` class). Allowing plain ``getattr`` would let a checkpoint
walk from any allowed object to ``__globals__`` and run code, so the
unpickler is given a guarded replacement that answers only those names on
that class. Any other global is refused with :class:`UnsafeCheckpointError`
before anything from the file runs.

A file torch cannot read at all (empty, truncated, a damaged zip) raises
:class:`~qmimic_mm.utils.errors.CheckpointReadError`, a one-line user error,
instead of miniz's ``RuntimeError`` or a bare ``OSError: [Errno 22]``.
"""
import os.path as osp
import pickle
from typing import Any, Callable, List, Optional, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

from qmimic_mm.utils.errors import CheckpointReadError

_STATISTICS = ('min', 'max', 'current', 'mean')


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds a pickled object outside the allow-list."""


# Markers of torch's weights-only refusal (as opposed to a damaged file).
_REFUSAL_MARKERS = ('GLOBAL', 'refused')


def _history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` restricted to ``HistoryBuffer``'s statistics methods."""
    if obj is HistoryBuffer and name in _STATISTICS:
        return getattr(obj, name)
    raise UnsafeCheckpointError(
        f'refused getattr({obj!r}, {name!r}) while unpickling: only '
        f'HistoryBuffer.{{{",".join(_STATISTICS)}}} may be looked up')


def _numpy_globals() -> List[Any]:
    """numpy arrays, scalars and dtypes as pickled by numpy 1.x and 2.x."""
    allowed: List[Any] = [np.ndarray, np.dtype]
    for module_name in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        try:
            module = __import__(module_name, fromlist=['_reconstruct'])
        except ImportError:  # pragma: no cover - depends on numpy version
            continue
        allowed += [module._reconstruct, module.scalar]
    allowed += [
        getattr(np.dtypes, name) for name in dir(np.dtypes)
        if name.endswith('DType')
    ]
    # Concrete scalar types (np.float64, np.int64, ...) appear as dtype args.
    allowed += sorted({np.dtype(c).type for c in np.typecodes['All']},
                      key=str)
    return allowed


def allowed_globals() -> List[Union[Any, tuple]]:
    """Everything mmengine writes into a checkpoint besides tensors."""
    import codecs
    return [
        HistoryBuffer,
        codecs.encode,  # numpy pickles raw bytes via _codecs.encode
        (_history_buffer_getattr, 'builtins.getattr'),
        *_numpy_globals(),
    ]


def safe_torch_load(filename: str,
                    map_location: Optional[Union[str, Callable]] = None
                    ) -> Any:
    """``torch.load`` with ``weights_only=True`` and a readable refusal.

    Args:
        filename (str): Local checkpoint path.
        map_location (str | callable, optional): As for ``torch.load``.

    Raises:
        FileNotFoundError: The file does not exist.
        CheckpointReadError: The file is empty, truncated or not a readable
            torch checkpoint.
        UnsafeCheckpointError: The file pickles something outside the
            allow-list (its code is never executed).
    """
    apply()  # the allow-list must be in place before weights_only loads
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint not found: {filename}')
    if osp.getsize(filename) == 0:
        raise CheckpointReadError(filename, '0 bytes')
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        detail = str(err).strip().splitlines()
        reason = next((line for line in detail
                       if any(m in line for m in _REFUSAL_MARKERS)), None)
        if reason is None:  # a damaged pickle stream, not a refusal
            # torch's first line advises weights_only=False: never useful
            # here, so report the unpickler's own complaint.
            complaint = next((line.strip() for line in detail
                              if 'Unsupported' in line or 'invalid' in line),
                             'damaged pickle stream')
            raise CheckpointReadError(
                filename, f'UnpicklingError: {complaint}') from None
        raise UnsafeCheckpointError(
            f'refusing to load {filename}: it pickles an object outside the '
            f'allow-list of what mmengine writes ({reason.strip()}). '
            'Loading it could run arbitrary code. If you trust its origin, '
            'extract its state_dict in a sandbox and save that instead.'
        ) from None
    # What torch raises on damaged files: miniz errors (RuntimeError), a
    # truncated record (OSError errno 22, EOFError), a garbled legacy
    # pickle (KeyError / ValueError on an unknown opcode or storage).
    except (RuntimeError, OSError, EOFError, KeyError, ValueError) as err:
        raise CheckpointReadError(filename, _first_line(err)) from None


def _first_line(err: BaseException) -> str:
    """``err`` as one short line (miniz appends a paragraph of advice)."""
    text = str(err).strip().split('\n')[0]
    text = text.split('. This is an internal miniz error')[0]
    return f'{type(err).__name__}: {text}' if text else type(err).__name__


_installed = False


def apply() -> None:
    """Allow-list mmengine's types and route local loads through
    :func:`safe_torch_load`; idempotent."""
    global _installed
    if _installed:
        return
    torch.serialization.add_safe_globals(allowed_globals())
    # '' is mmengine's scheme for local paths (load_from, resume,
    # load_checkpoint and MMRazor's teacher_ckpt all end up here).
    CheckpointLoader.register_scheme(
        prefixes='', loader=safe_torch_load, force=True)
    _installed = True
