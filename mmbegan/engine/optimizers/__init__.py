"""Optimizer wrappers of mmbegan."""
from .bf16_autocast_optim_wrapper import BF16AutocastOptimWrapper, cpu_bf16_supported
from .mixed_precision import enable_amp

__all__ = ['BF16AutocastOptimWrapper', 'cpu_bf16_supported', 'enable_amp']
