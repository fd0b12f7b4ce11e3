"""High-level helpers of mmbegan: loading a trained model, interpolation and z-embedding."""
from .interpolation import embed_images, slerp
from .model_loading import load_model
from .testing import run_test

__all__ = ['embed_images', 'load_model', 'run_test', 'slerp']
