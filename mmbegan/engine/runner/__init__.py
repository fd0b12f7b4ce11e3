"""Training loops of mmbegan."""
from .resumable_iter_loop import ResumableIterBasedTrainLoop

__all__ = ['ResumableIterBasedTrainLoop']
