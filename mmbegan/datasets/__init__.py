"""Data pieces of mmbegan."""
from .transforms import CheckedLoadImageFromFile

__all__ = ['CheckedLoadImageFromFile']
