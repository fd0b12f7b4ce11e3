"""A batch split over the CPU's intra-op threads, one single-threaded worker per part.

Inference of a network made of many medium-sized layers (the FID Inception) runs faster as two one-thread
forwards of half a batch each than as one two-thread forward of the whole batch: no thread team has to meet
after every layer and every worker's data stays in its core's cache. With PyTorch's OpenMP backend the
intra-op thread count is a per-thread setting, so each worker can take one thread while the caller keeps its own.
"""
import threading
from typing import Callable, List, Optional

import torch
from torch import Tensor


def openmp_threads() -> bool:
    """Whether ATen parallelises with OpenMP, whose thread count each calling thread sets for itself."""
    return 'parallel backend: OpenMP' in torch.__config__.parallel_info()


def split_batch_over_threads(fn: Callable[[Tensor], Tensor], batch: Tensor) -> Tensor:
    """``fn(batch)`` computed as ``fn`` of up to ``torch.get_num_threads()`` consecutive parts of the batch in as
    many threads, each with one intra-op thread and without autograd, concatenated along the first dimension.
    Runs ``fn(batch)`` as it is on one thread, on a non-CPU tensor, or without PyTorch's OpenMP backend. An
    exception in a worker is raised again here; the caller's thread count is restored in every case."""
    threads = torch.get_num_threads()
    parts = min(threads, len(batch))
    if parts < 2 or batch.device.type != 'cpu' or not openmp_threads():
        return fn(batch)
    chunks = batch.tensor_split(parts)
    results: List[Optional[Tensor]] = [None] * parts
    errors: List[BaseException] = []

    def work(index: int) -> None:
        try:
            torch.set_num_threads(1)
            with torch.no_grad():
                results[index] = fn(chunks[index])
        except BaseException as error:  # handed to the caller below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(index,), daemon=True) for index in range(parts)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        torch.set_num_threads(threads)
    if errors:
        raise errors[0]
    return torch.cat(results)
