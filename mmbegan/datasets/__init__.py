"""Data pieces of mmbegan: a checked image loader, a resumable sampler, data-folder checks, atomic image writing,
random images."""
from .data_root_check import check_data_roots
from .image_io import write_png_atomic
from .random_images import write_random_images
from .samplers import ResumableInfiniteSampler
from .transforms import CheckedLoadImageFromFile

__all__ = ['CheckedLoadImageFromFile', 'ResumableInfiniteSampler', 'check_data_roots', 'write_png_atomic',
           'write_random_images']
