"""ResumableInfiniteSampler: a stream fixed by seed and position, started anywhere without drawing the prefix."""
import itertools

import pytest
import torch
from mmengine.dataset import InfiniteSampler

from mmbegan.datasets import ResumableInfiniteSampler

SIZE = 7  # odd, so rank strides and permutation ends do not line up


def take(sampler, n):
    return list(itertools.islice(iter(sampler), n))


def sampler_of(rank=0, world_size=1, position=0, shuffle=True, seed=3):
    sampler = ResumableInfiniteSampler(range(SIZE), shuffle=shuffle, seed=seed)
    sampler.rank, sampler.world_size = rank, world_size
    sampler.start_at(position)
    return sampler


def test_first_pass_is_mmengine_infinite_samplers():
    assert take(sampler_of(), SIZE) == take(InfiniteSampler(range(SIZE), seed=3), SIZE)


def test_passes_are_permutations_seeded_by_pass():
    stream = take(sampler_of(), 3 * SIZE)
    for epoch in range(3):
        expected = torch.randperm(SIZE, generator=torch.Generator().manual_seed(3 + epoch)).tolist()
        assert stream[epoch * SIZE:(epoch + 1) * SIZE] == expected
    assert take(sampler_of(shuffle=False), 2 * SIZE) == list(range(SIZE)) * 2


@pytest.mark.parametrize('world_size', [1, 2, 3])
@pytest.mark.parametrize('position', [0, 5, SIZE, 2 * SIZE + 3])
def test_start_at_continues_the_stream_on_every_rank(world_size, position):
    stream = take(sampler_of(), position + 2 * SIZE * world_size + world_size)
    for rank in range(world_size):
        assert take(sampler_of(rank, world_size, position), 2 * SIZE) == stream[position + rank::world_size][:2 * SIZE]


def test_start_at_far_positions_and_other_seeds():
    position = 10 ** 12 + 4  # drawing the prefix would take hours
    epoch, offset = divmod(position, SIZE)
    expected = torch.randperm(SIZE, generator=torch.Generator().manual_seed(5 + epoch)).tolist()[offset:]
    sampler = sampler_of()
    sampler.start_at(position, seed=5)
    assert sampler.seed == 5 and take(sampler, len(expected)) == expected
    with pytest.raises(ValueError, match='position'):
        sampler.start_at(-1)


def test_every_iterator_starts_at_the_start():
    sampler = sampler_of()
    assert take(sampler, 4) == take(sampler, 4) == take(sampler_of(), 4)
    sampler.start_at(2)
    assert take(sampler, 4) == take(sampler_of(), 6)[2:]
