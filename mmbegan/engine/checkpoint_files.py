"""Cheap checks of checkpoint files before a run uses them: is a file a complete torch checkpoint, and which is
the newest complete one in its folder. Only zip directories are read, never the tensors."""
import glob
import os.path as osp
import re
import zipfile
from typing import List, Optional, Tuple

CHECKPOINT_NAME = re.compile(r'(?:iter|epoch)_(\d+)\.pth')


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` is not a complete torch checkpoint, or None when it is.

    torch saves a zip archive whose directory sits at the end of the file, so a truncated file has none."""
    if not osp.isfile(path):
        return 'no such file'
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as err:
        return f'not a complete torch checkpoint (truncated or another kind of file: {err})'
    if not any(name.endswith('data.pkl') for name in names):
        return 'a zip archive without a torch checkpoint inside (no data.pkl)'
    return None


def newest_good_checkpoint(folder: str, written_since: Optional[float] = None) -> Optional[str]:
    """The complete ``iter_N.pth`` / ``epoch_N.pth`` of ``folder`` with the highest N, or None.

    With ``written_since`` (seconds since the epoch), files last modified before it are left out."""
    found = [path for _, path in numbered_checkpoints(folder)
             if written_since is None or osp.getmtime(path) >= written_since]
    return next((path for path in reversed(found) if checkpoint_problem(path) is None), None)


def numbered_checkpoints(folder: str) -> List[Tuple[int, str]]:
    """The ``iter_N.pth`` / ``epoch_N.pth`` files of ``folder`` as (N, path), N ascending."""
    return sorted((int(match.group(1)), path) for path in glob.glob(osp.join(folder, '*.pth'))
                  if (match := CHECKPOINT_NAME.fullmatch(osp.basename(path))))


def check_checkpoint_file(path: str, role: str) -> None:
    """Raise a ValueError naming ``path``, its problem and the newest good checkpoint beside it, if it has one."""
    problem = checkpoint_problem(path)
    if problem:
        good = newest_good_checkpoint(osp.dirname(osp.abspath(path)))
        raise ValueError(f'{role} {path}: {problem}; newest good checkpoint in its folder: {good or "none"}')
