"""An infinite sampler that can start anywhere in its index stream at once, so a resumed run need not replay it."""
from typing import Iterator, Optional, Sized

import torch
from mmagic.registry import DATA_SAMPLERS
from mmengine.dataset import InfiniteSampler


@DATA_SAMPLERS.register_module()
class ResumableInfiniteSampler(InfiniteSampler):
    """mmengine's ``InfiniteSampler`` whose index stream is a function of ``seed`` and the position alone.

    The stream (of all ranks together) is a sequence of permutations of the dataset; permutation ``e`` is drawn
    from a generator seeded with ``seed + e`` (the per-epoch seeding of mmengine's ``DefaultSampler``), so
    permutation 0 is ``InfiniteSampler``'s first one. Rank ``r`` of ``W`` takes positions ``r, r + W, r + 2W, ...``
    as ``InfiniteSampler`` does. Every iterator starts at :attr:`start`, which :meth:`start_at` moves to any
    position at the cost of one permutation, whatever the position: so
    :class:`~mmbegan.engine.runner.ResumableIterBasedTrainLoop` puts a resumed run where it stopped instead of
    loading every consumed batch again.

    Args:
        dataset (Sized): the dataset.
        shuffle (bool): permute the dataset (else every permutation is the identity).
        seed (int, optional): the same on every rank; None draws one and shares it (``sync_random_seed``).
    """

    def __init__(self, dataset: Sized, shuffle: bool = True, seed: Optional[int] = None) -> None:
        super().__init__(dataset, shuffle=shuffle, seed=seed)
        self.start = 0

    def start_at(self, position: int, seed: Optional[int] = None) -> None:
        """Start the iterators at ``position`` of the stream (samples taken by all ranks together), of the stream
        of ``seed`` if given."""
        if position < 0:
            raise ValueError(f'ResumableInfiniteSampler: position must be >= 0, got {position}')
        if seed is not None:
            self.seed = seed
        self.start = position

    def __iter__(self) -> Iterator[int]:
        """This rank's share of the stream from ``start`` on, one permutation at a time."""
        position = self.start + self.rank
        while True:
            epoch, offset = divmod(position, self.size)
            chunk = self._permutation(epoch)[offset::self.world_size]
            yield from chunk.tolist()
            position += len(chunk) * self.world_size

    def _permutation(self, epoch: int) -> torch.Tensor:
        """The ``epoch``-th pass over the dataset."""
        if not self.shuffle:
            return torch.arange(self.size)
        return torch.randperm(self.size, generator=torch.Generator().manual_seed(self.seed + epoch))
