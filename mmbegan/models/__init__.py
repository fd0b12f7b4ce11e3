"""BEGAN networks and model, registered in mmagic's MODELS."""
from .began import BEGAN
from .began_discriminator import BEGANDiscriminator
from .began_generator import BEGANGenerator
from .data_preprocessors import BatchedDataPreprocessor

__all__ = ['BEGAN', 'BEGANDiscriminator', 'BEGANGenerator', 'BatchedDataPreprocessor']
