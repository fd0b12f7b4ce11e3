"""Training hooks of mmbegan."""
from .began_equilibrium_hook import BEGANEquilibriumHook
from .began_reconstruction_hook import BEGANReconstructionHook
from .preemption_hook import PreemptionHook
from .random_state_hook import RandomStateHook

__all__ = ['BEGANEquilibriumHook', 'BEGANReconstructionHook', 'PreemptionHook', 'RandomStateHook']
