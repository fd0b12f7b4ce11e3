"""A local file backend whose writes are atomic, for checkpoints."""
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """mmengine's ``LocalBackend`` that writes to a temporary file in the target folder, flushes it to disk and
    renames it over the target: a crash mid-save leaves the previous file (or none), never a truncated one.

    Select it with ``default_hooks.checkpoint.backend_args=dict(backend='atomic_local')``.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        folder = osp.dirname(osp.abspath(filepath))
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp-', suffix='.part')
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, filepath)
        except BaseException:
            if osp.exists(tmp):
                os.remove(tmp)
            raise

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)
