"""File backends of mmbegan, registered in mmengine's file-backend registry."""
from .atomic_local_backend import AtomicLocalBackend

__all__ = ['AtomicLocalBackend']
