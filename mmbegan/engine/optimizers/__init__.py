"""Optimizer wrappers of mmbegan and the choice of training precision."""
from .bf16_autocast_optim_wrapper import BF16AutocastOptimWrapper, cpu_bf16_supported
from .precision import PRECISIONS, native_cpu_bf16, resolve_precision, set_precision

__all__ = ['BF16AutocastOptimWrapper', 'PRECISIONS', 'cpu_bf16_supported', 'native_cpu_bf16', 'resolve_precision',
           'set_precision']
