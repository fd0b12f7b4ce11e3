"""Starting torch.distributed where mmengine cannot (CPU-only machines), and ending it cleanly on any device."""
import gc
import logging
import os
import sys
from datetime import timedelta
from typing import NoReturn, Optional

import torch
import torch.distributed as dist
from mmengine.logging import print_log


def init_cpu_distributed(launcher: str) -> bool:
    """Start a gloo process group for a launched job on a machine without CUDA.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` unconditionally, which fails without a GPU; once a
    group exists, the Runner skips it. Returns True when this function started the group.
    """
    if launcher == 'none' or torch.cuda.is_available() or dist.is_initialized():
        return False
    if launcher != 'pytorch':
        raise ValueError(f'CPU distributed training supports --launcher pytorch (torchrun) only, got {launcher!r}')
    dist.init_process_group(backend='gloo')
    return True


def close_distributed(timeout: Optional[float] = None) -> bool:
    """End the job's process group after a barrier, so that no rank tears gloo down while another still uses it:
    without it, a rank finishing first made its peer abort at exit ("terminate called without an active
    exception", SIGABRT) on a loaded 2-core machine, failing a run whose training had completed. With
    ``timeout`` (seconds) the barrier waits no longer than that (a peer killed meanwhile does not hold this rank)
    and the group is ended all the same. Returns True when there was a group to end."""
    if not dist.is_initialized():
        return False
    if timeout is None:
        dist.barrier()
    else:
        try:
            dist.barrier(async_op=True).wait(timeout=timedelta(seconds=timeout))
        except RuntimeError as err:
            print_log(f'ranks did not meet within {timeout} s before ending the process group ({err})',
                      logger='current', level=logging.WARNING)
    dist.destroy_process_group()
    return True


def end_launched_rank(code: int, timeout: Optional[float] = None) -> None:
    """After the caller dropped its runner: collect what still holds the process group (DDP's reducer, loader
    workers) while the interpreter is whole, then :func:`close_distributed` and :func:`exit_rank` with ``code``.
    Returns, doing nothing more, in a process that has no group (not launched)."""
    gc.collect()
    if close_distributed(timeout):
        exit_rank(code)


def exit_rank(code: int) -> NoReturn:
    """End a rank whose work is done and whose process group is closed without Python's finalization, after
    flushing the output streams and log handlers. Objects that keep gloo's C++ threads or their pending work alive
    until the interpreter is torn down made a rank abort there now and then ("terminate called without an active
    exception", SIGABRT) even after :func:`close_distributed`, failing a run that had completed and saved."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
