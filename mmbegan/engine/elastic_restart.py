"""Which checkpoint a worker that torchrun restarted after a failure continues from.

torchrun (``--max-restarts``, set by ``tools/dist_train.sh``) restarts every worker of the job when one fails and
tells them so in ``TORCHELASTIC_RESTART_COUNT``. A restarted worker must continue from the newest complete
checkpoint *this job* wrote: older files in the work dir may belong to an earlier run of the same config. A file
counts as this job's when it was written after the torchrun agent (the worker's parent process) started.
"""
import os
import os.path as osp
import time
from typing import Optional

from .checkpoint_files import newest_good_checkpoint


def restart_count() -> int:
    """How many times torchrun has restarted this job's workers (0: the first attempt, or not under torchrun)."""
    value = os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')
    try:
        return int(value)
    except ValueError:
        raise ValueError(f'TORCHELASTIC_RESTART_COUNT={value!r} is not a number') from None


def launcher_start_time() -> Optional[float]:
    """When this process's parent (the torchrun agent) started, in seconds since the epoch, read from Linux's
    /proc to a clock tick or two; None where /proc cannot tell. The boot time is the clock now less the uptime:
    /proc/stat's ``btime`` is whole seconds, so a checkpoint the previous launch wrote within a second before
    this one started could pass for this job's."""
    try:
        with open(f'/proc/{os.getppid()}/stat') as f:
            started_ticks = int(f.read().rsplit(')', 1)[1].split()[19])  # field 22, after "pid (comm)"
        with open('/proc/uptime') as f:
            boot_time = time.time() - float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return boot_time + started_ticks / os.sysconf('SC_CLK_TCK')


def checkpoint_folder(work_dir: str) -> str:
    """The folder the run's checkpoints go to: the one ``last_checkpoint`` points into, else ``work_dir``."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            target = f.read().strip()
        if target:
            return osp.dirname(target)
    return work_dir


def restart_checkpoint(work_dir: str) -> Optional[str]:
    """The newest complete ``iter_N.pth`` this job has written (truncated files skipped), or None."""
    return newest_good_checkpoint(checkpoint_folder(work_dir), written_since=launcher_start_time())
