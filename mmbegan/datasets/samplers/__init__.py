"""Data samplers of mmbegan."""
from .resumable_infinite_sampler import ResumableInfiniteSampler

__all__ = ['ResumableInfiniteSampler']
