"""Training hooks of mmbegan."""
from .began_equilibrium_hook import BEGANEquilibriumHook
from .began_reconstruction_hook import BEGANReconstructionHook

__all__ = ['BEGANEquilibriumHook', 'BEGANReconstructionHook']
