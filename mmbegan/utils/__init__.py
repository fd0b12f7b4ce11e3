"""Utilities of mmbegan: checkpoint safety, CPU distributed start-up and CLI helpers."""
from .checkpoint_globals import register_checkpoint_globals
from .distributed import init_cpu_distributed

__all__ = ['init_cpu_distributed', 'register_checkpoint_globals']
