"""Model wrappers of mmbegan."""
from .cpu_separate_ddp import DeviceAwareSeparateDDP

__all__ = ['DeviceAwareSeparateDDP']
