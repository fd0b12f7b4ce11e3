"""BEGAN networks and model, registered in mmagic's MODELS."""
from .began import BEGAN
from .began_discriminator import BEGANDiscriminator
from .began_generator import BEGANGenerator
from .began_small_discriminator import BEGANSmallDiscriminator
from .data_preprocessors import BatchedDataPreprocessor

__all__ = ['BEGAN', 'BEGANDiscriminator', 'BEGANGenerator', 'BEGANSmallDiscriminator', 'BatchedDataPreprocessor']
