"""Training hooks of mmbegan."""
from .began_equilibrium_hook import BEGANEquilibriumHook

__all__ = ['BEGANEquilibriumHook']
