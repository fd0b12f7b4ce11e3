"""DataLoader workers that leave SIGTERM to the main process, so that pre-emption ends a run with a checkpoint."""
import os
import signal
import threading
from functools import partial
from typing import Callable, Optional

from torch.utils.data import DataLoader


def _exit_on_parents_sigterm() -> None:
    """Wait for SIGTERM in a thread (blocked in every thread, so only this wait takes it): exit when the parent
    sends it (its shutdown), ignore it from anyone else."""
    parent = os.getppid()
    while signal.sigwaitinfo({signal.SIGTERM}).si_pid != parent:
        pass
    os._exit(0)


def _leave_sigterm_then(init_fn: Optional[Callable[[int], None]], worker_id: int) -> None:
    """Worker start-up: hand SIGTERM to a waiting thread, then run the loader's own ``worker_init_fn``."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # inherited by every thread started from here
    threading.Thread(target=_exit_on_parents_sigterm, name='sigterm_from_parent', daemon=True).start()
    if init_fn is not None:
        init_fn(worker_id)


def leave_sigterm_to_main(dataloader: DataLoader) -> None:
    """Make the workers ``dataloader`` starts from now on ignore SIGTERM unless their parent sends it.

    Slurm (scancel, pre-emption) and ``pkill -f`` signal every process of a job. A worker killed by SIGTERM makes
    PyTorch raise "DataLoader worker ... is killed by signal" in the main process, which then dies before
    :class:`PreemptionHook` saves. PyTorch's own worker handler already exits quietly on the parent's SIGTERM
    (its shutdown); this keeps that and ignores the rest. Workers already running are not changed; calling this
    twice wraps once.
    """
    init_fn = dataloader.worker_init_fn
    if isinstance(init_fn, partial) and init_fn.func is _leave_sigterm_then:
        return
    dataloader.worker_init_fn = partial(_leave_sigterm_then, init_fn)
