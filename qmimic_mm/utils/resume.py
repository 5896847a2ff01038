"""``--resume`` with no path: the newest checkpoint of the work dir that
loads.

mmengine resumes from whatever ``last_checkpoint`` names; if that file is
damaged (an interrupted save or copy), the run stops although an older,
valid checkpoint lies beside it. Here every candidate is tried, newest
first, and each damaged one is reported in one line and skipped.
"""
import os.path as osp
import re
from typing import Callable, List, Optional

from .errors import CheckpointReadError, UserInputError

_STEP = re.compile(r'^(?:iter|epoch)_(\d+)\.pth$')


class NoCheckpointError(UserInputError):
    """``--resume``: the work dir holds no checkpoint that loads."""


def _pointer(work_dir: str) -> Optional[str]:
    """The file named by mmengine's ``last_checkpoint``, if any."""
    save_file = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(save_file):
        return None
    with open(save_file) as f:
        target = f.read().strip()
    return target or None


def _step(path: str) -> int:
    match = _STEP.match(osp.basename(path))
    return int(match.group(1)) if match else -1


def resume_candidates(work_dir: str) -> List[str]:
    """Checkpoints of ``work_dir``, newest first.

    The ``iter_<n>.pth`` / ``epoch_<n>.pth`` files and the file
    ``last_checkpoint`` names (it may lie in another ``out_dir``), ordered
    by ``n``, then by modification time.
    """
    import glob
    found = set(glob.glob(osp.join(work_dir, 'iter_*.pth')) +
                glob.glob(osp.join(work_dir, 'epoch_*.pth')))
    pointer = _pointer(work_dir)
    if pointer and osp.isfile(pointer):
        found.add(pointer)
    found = {osp.normpath(p) for p in found}
    return sorted(found, key=lambda p: (_step(p), osp.getmtime(p)),
                  reverse=True)


def find_resume_checkpoint(work_dir: str,
                           warn: Callable[[str], None]) -> str:
    """The newest checkpoint in ``work_dir`` that loads.

    Each candidate is loaded in full (on the CPU, through the project's
    safe loader): damage inside a zip archive only shows then.

    Args:
        work_dir (str): The run's work dir.
        warn (callable): Called with one line per damaged checkpoint.

    Raises:
        NoCheckpointError: No candidate loads (or there is none).
        UnsafeCheckpointError: A candidate pickles a disallowed object;
            that is not damage, so it is never skipped silently.
    """
    from qmimic_mm.compat.safe_checkpoint import safe_torch_load
    candidates = resume_candidates(work_dir)
    for path in candidates:
        try:
            safe_torch_load(path, map_location='cpu')
        except CheckpointReadError as err:
            warn(f'--resume: skipping damaged checkpoint {path} '
                 f'({err.detail})')
            continue
        return path
    what = (f'none of its {len(candidates)} checkpoints loads'
            if candidates else 'it holds no checkpoint')
    raise NoCheckpointError(
        f'--resume: nothing to resume in {work_dir}: {what}; train without '
        '--resume to start from scratch, or give --resume PATH')
