"""BEGAN networks and model, registered in mmagic's MODELS."""
from .began import BEGAN
from .began_discriminator import BEGANDiscriminator
from .began_generator import BEGANGenerator

__all__ = ['BEGAN', 'BEGANDiscriminator', 'BEGANGenerator']
