"""split_batch_over_threads: the same result as one call, each part on a one-thread worker, the caller's threads
restored."""
import pytest
import torch

from mmbegan.evaluation import batch_threads
from mmbegan.evaluation.batch_threads import split_batch_over_threads


def test_parts_run_on_one_thread_each_and_give_the_whole_batchs_result():
    """Four threads, a batch of 10: four consecutive parts, each seen by a worker with one intra-op thread and no
    autograd; the concatenation equals one call on the batch, and the caller keeps its four threads."""
    previous = torch.get_num_threads()
    torch.set_num_threads(4)
    seen = []

    def fn(part):
        seen.append((len(part), torch.get_num_threads(), torch.is_grad_enabled()))
        return part * 2 + 1

    try:
        batch = torch.arange(10.0).view(10, 1)
        assert torch.equal(split_batch_over_threads(fn, batch), batch * 2 + 1)
        assert sorted(seen) == [(2, 1, False), (2, 1, False), (3, 1, False), (3, 1, False)]
        assert torch.get_num_threads() == 4
        seen.clear()
        assert torch.equal(split_batch_over_threads(fn, batch[:1]), batch[:1] * 2 + 1)  # one image: one call
        assert seen == [(1, 4, True)]
    finally:
        torch.set_num_threads(previous)


def test_a_workers_error_reaches_the_caller_and_threads_are_restored():
    previous = torch.get_num_threads()
    torch.set_num_threads(2)

    def fn(part):
        raise ValueError(f'bad part of {len(part)}')

    try:
        with pytest.raises(ValueError, match='bad part of 2'):
            split_batch_over_threads(fn, torch.zeros(4, 3))
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(previous)


def test_one_call_without_openmp(monkeypatch):
    """Where the intra-op thread count is not per thread (another ATen backend), the batch is not split."""
    monkeypatch.setattr(batch_threads, 'openmp_threads', lambda: False)
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        lengths = []
        split_batch_over_threads(lambda part: lengths.append(len(part)) or part, torch.zeros(4, 3))
        assert lengths == [4]
    finally:
        torch.set_num_threads(previous)
