"""Training loops of mmbegan."""
from .resumable_iter_loop import ResumableIterBasedTrainLoop, ValidationInterrupted

__all__ = ['ResumableIterBasedTrainLoop', 'ValidationInterrupted']
