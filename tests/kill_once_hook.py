"""A test-only hook: a deterministic worker crash for the elastic-restart tests.

Imported by those tests through ``custom_imports``. It SIGKILLs its own process after iteration ``iteration`` on
rank ``rank``, in torchrun's first attempt only (``TORCHELASTIC_RESTART_COUNT`` 0), so the restarted job runs
through.
"""
import os
import signal

from mmagic.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook


@HOOKS.register_module()
class KillOnceHook(Hook):
    """SIGKILL rank ``rank`` at the end of iteration ``iteration`` (1-based) of the first attempt."""

    priority = 'NORMAL'  # before RandomStateHook and the checkpoint hook: the rank dies before this iteration saves

    def __init__(self, iteration: int, rank: int = 1) -> None:
        self.iteration = iteration
        self.rank = rank

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        first_attempt = os.environ.get('TORCHELASTIC_RESTART_COUNT') == '0'
        if first_attempt and runner.iter + 1 == self.iteration and get_rank() == self.rank:
            os.kill(os.getpid(), signal.SIGKILL)
