"""DataLoader workers leave SIGTERM to the main process, so a job-wide SIGTERM reaches PreemptionHook."""
import os
import subprocess
import time

import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from mmbegan.engine.runner.sigterm_to_main import leave_sigterm_to_main

_init_mark = -1  # set in each worker by the loader's own worker_init_fn


def _mark_worker(worker_id: int) -> None:
    global _init_mark
    _init_mark = 100 + worker_id


class _WorkerIds(Dataset):
    """Item i: the worker's pid and what its init function set."""

    def __len__(self) -> int:
        return 64

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.tensor([os.getpid(), _init_mark])


def _loader() -> DataLoader:
    return DataLoader(_WorkerIds(), batch_size=4, num_workers=2, persistent_workers=True,
                      worker_init_fn=_mark_worker)


def _signal_workers(batch: torch.Tensor) -> None:
    """SIGTERM to the workers from another process (``kill``), as a job-wide signal would send it."""
    for pid in set(batch[:, 0].tolist()) - {os.getpid()}:
        subprocess.run(['kill', '-TERM', str(pid)], check=True)
    time.sleep(0.5)


def test_workers_ignore_sigterm_and_keep_their_init_fn():
    loader = _loader()
    leave_sigterm_to_main(loader)
    leave_sigterm_to_main(loader)  # wraps once
    assert loader.worker_init_fn.args == (_mark_worker, )
    batches = iter(loader)
    first = torch.cat([next(batches), next(batches)])
    _signal_workers(first)
    rest = torch.cat(list(batches))
    assert len(first) + len(rest) == 64
    assert set(torch.cat([first, rest])[:, 1].tolist()) == {100, 101}


def test_without_it_a_signalled_worker_fails_the_main_process():
    batches = iter(_loader())
    first = torch.cat([next(batches), next(batches)])
    with pytest.raises(RuntimeError, match='DataLoader worker'):
        _signal_workers(first)
        list(batches)
