"""Engine parts of mmbegan: hooks, optimizer and model wrappers and a file backend, registered in mmagic's /
mmengine's registries."""
from .fileio import AtomicLocalBackend
from .hooks import BEGANEquilibriumHook, BEGANReconstructionHook, PreemptionHook, RandomStateHook
from .optimizers import BF16AutocastOptimWrapper
from .wrappers import DeviceAwareSeparateDDP

__all__ = ['AtomicLocalBackend', 'BEGANEquilibriumHook', 'BEGANReconstructionHook', 'BF16AutocastOptimWrapper',
           'DeviceAwareSeparateDDP', 'PreemptionHook', 'RandomStateHook']
