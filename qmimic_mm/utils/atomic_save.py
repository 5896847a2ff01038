"""Files that cannot be half-written: temporary file, fsync, rename.

A checkpoint written in place and interrupted (a preempted job, a full
disk, ``kill -9``) leaves a truncated file under the final name, and
``--resume`` then finds a checkpoint it cannot load. Here every file is
written to a temporary name in the same folder (so the rename stays on one
file system and is atomic), flushed to disk, and only then
``os.replace``-d over the final name; the folder is synced too, so the
rename itself survives a crash. A reader therefore sees the old file or the
complete new one, never a part.

Standard library only, except :func:`atomic_torch_save` (torch on call).
"""
import contextlib
import os
import os.path as osp
from typing import Any, Iterator

#: Temporary names start with a dot and end with ``.tmp`` (never ``.pth``),
#: so nothing that looks for ``*.pth`` (resume, max_keep_ckpts) sees them.
TMP_SUFFIX = '.tmp'


def temporary_name(path: str) -> str:
    """The temporary file ``path`` is written to first (same folder)."""
    folder, name = osp.split(path)
    return osp.join(folder, f'.{name}.{os.getpid()}{TMP_SUFFIX}')


def fsync_path(path: str) -> None:
    """Flush a written file (or a folder's entries) to the disk."""
    try:
        fd = os.open(path, os.O_RDONLY)  # a folder opens read-only too
    except OSError:  # pragma: no cover - e.g. folders on Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse dirs
        pass
    finally:
        os.close(fd)


def publish(tmp: str, path: str) -> None:
    """Sync ``tmp`` and rename it over ``path``, then sync the folder."""
    fsync_path(tmp)
    os.replace(tmp, path)
    fsync_path(osp.dirname(osp.abspath(path)))


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[str]:
    """Yield a temporary path to write; on success it replaces ``path``.

    On any error (or interrupt) inside the block the temporary file is
    removed and ``path`` is left as it was.

    Example:
        >>> with atomic_output('out/model.pth') as tmp:
        ...     torch.save(state, tmp)
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = temporary_name(path)
    try:
        yield tmp
        publish(tmp, path)
    finally:
        if osp.lexists(tmp):
            os.remove(tmp)


def atomic_torch_save(obj: Any, path: str) -> None:
    """``torch.save(obj, path)``, atomically (see the module docstring)."""
    import torch
    with atomic_output(path) as tmp:
        torch.save(obj, tmp)


def atomic_write_text(path: str, text: str) -> None:
    """Write a small text file (e.g. ``last_checkpoint``) atomically."""
    with atomic_output(path) as tmp:
        with open(tmp, 'w') as f:
            f.write(text)
