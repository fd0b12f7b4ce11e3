"""Data transforms of mmbegan, registered in mmagic's TRANSFORMS."""
from .checked_loading import CheckedLoadImageFromFile

__all__ = ['CheckedLoadImageFromFile']
