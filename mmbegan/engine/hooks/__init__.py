"""Training hooks of mmbegan."""
from .began_equilibrium_hook import BEGANEquilibriumHook
from .began_reconstruction_hook import BEGANReconstructionHook
from .ema_batch_norm_hook import EMABatchNormHook
from .m_global_plateau_hook import MGlobalPlateauHook
from .preemption_hook import PreemptionHook
from .random_state_hook import RandomStateHook
from .resumable_checkpoint_hook import ResumableCheckpointHook
from .resumable_param_scheduler_hook import ResumableParamSchedulerHook
from .resumable_visualization_hook import ResumableVisualizationHook

__all__ = ['BEGANEquilibriumHook', 'BEGANReconstructionHook', 'EMABatchNormHook', 'MGlobalPlateauHook',
           'PreemptionHook', 'RandomStateHook', 'ResumableCheckpointHook', 'ResumableParamSchedulerHook',
           'ResumableVisualizationHook']
