"""High-level helpers of mmbegan: configs read as mmagic's tools read them, where training starts (resume,
torchrun restarts), run logs, checkpoint times, interpolation, z-embedding and getting test metrics back."""
from .checkpoint_times import checkpoint_times
from .config_loading import add_common_args, check_work_dir, load_config, load_config_from_args
from .interpolation import embed_images, slerp
from .run_records import find_scalars, read_training_log
from .testing import run_test
from .training_start import choose_start

__all__ = ['add_common_args', 'check_work_dir', 'checkpoint_times', 'choose_start', 'embed_images', 'find_scalars',
           'load_config', 'load_config_from_args', 'read_training_log', 'run_test', 'slerp']
