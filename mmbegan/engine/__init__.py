"""Engine parts of mmbegan: hooks, optimizer and model wrappers, registered in mmagic's / mmengine's registries."""
from .hooks import BEGANEquilibriumHook, BEGANReconstructionHook, RandomStateHook
from .optimizers import BF16AutocastOptimWrapper
from .wrappers import DeviceAwareSeparateDDP

__all__ = ['BEGANEquilibriumHook', 'BEGANReconstructionHook', 'BF16AutocastOptimWrapper', 'DeviceAwareSeparateDDP',
           'RandomStateHook']
