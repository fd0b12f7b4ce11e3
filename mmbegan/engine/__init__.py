"""Engine parts of mmbegan: a train loop, hooks, optimizer and model wrappers and a file backend, registered in
mmagic's / mmengine's registries; CPU process groups and weights-only checkpoint loading."""
from .checkpoint_files import check_checkpoint_file, newest_good_checkpoint, numbered_checkpoints
from .checkpoint_globals import register_checkpoint_globals
from .cpu_distributed import close_distributed, end_launched_rank, exit_rank, init_cpu_distributed
from .fileio import AtomicLocalBackend
from .hooks import (
                    BEGANEquilibriumHook,
                    BEGANReconstructionHook,
                    EMABatchNormHook,
                    MGlobalPlateauHook,
                    PreemptionHook,
                    RandomStateHook,
                    ResumableCheckpointHook,
)
from .optimizers import BF16AutocastOptimWrapper, set_precision
from .runner import ResumableIterBasedTrainLoop
from .wrappers import DeviceAwareSeparateDDP

__all__ = ['AtomicLocalBackend', 'BEGANEquilibriumHook', 'BEGANReconstructionHook', 'BF16AutocastOptimWrapper',
           'DeviceAwareSeparateDDP', 'EMABatchNormHook', 'MGlobalPlateauHook', 'PreemptionHook', 'RandomStateHook',
           'ResumableCheckpointHook', 'ResumableIterBasedTrainLoop', 'check_checkpoint_file', 'close_distributed',
           'end_launched_rank', 'exit_rank', 'init_cpu_distributed', 'newest_good_checkpoint', 'numbered_checkpoints',
           'register_checkpoint_globals', 'set_precision']
