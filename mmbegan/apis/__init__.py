"""High-level helpers of mmbegan: interpolation, z-embedding and getting test metrics back."""
from .interpolation import embed_images, slerp
from .testing import run_test

__all__ = ['embed_images', 'run_test', 'slerp']
