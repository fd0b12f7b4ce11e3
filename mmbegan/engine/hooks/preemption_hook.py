"""Stop cleanly, with a checkpoint, when the job is pre-empted (SIGTERM)."""
import signal
from typing import Optional

import torch
from mmagic.registry import HOOKS
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log

from ..runner.resumable_iter_loop import ResumableIterBasedTrainLoop, ValidationInterrupted
from .resumable_checkpoint_hook import ResumableCheckpointHook, checkpoint_hook_of

PREEMPTED_EXIT_CODE = 128 + signal.SIGTERM
# seconds the ranks of a pre-empted run wait for each other before ending the process group (torchrun sends
# SIGKILL 30 s after it forwards SIGTERM)
PREEMPTED_BARRIER_TIMEOUT = 30.0


@HOOKS.register_module()
class PreemptionHook(Hook):
    """On SIGTERM (cluster pre-emption, ``kill``), finish the current iteration and stop training there.

    Ranks agree on the stop with one all-reduce per iteration (only when distributed), so all of them stop after
    the same iteration. Stopping sets the train loop's ``stop_training``, at which :class:`ResumableCheckpointHook`
    writes its regular checkpoint (``last_checkpoint`` points to it; ``--resume`` continues from there).
    ``tools/train.py`` then exits with code 143 (128 + SIGTERM). A signal sent to the whole job (Slurm) works too:
    :class:`ResumableIterBasedTrainLoop`'s DataLoader workers leave it to the main process.

    A validation run during training (FID's thousands of samples take minutes, longer than a cluster's grace
    period) is left after its current batch instead: the checkpoint of the iterations trained so far is written
    and :class:`ValidationInterrupted` ends training; the metrics of that validation are not computed. (With
    another train loop, the stop comes after the first iteration that follows the validation.)
    """

    priority = 'BELOW_NORMAL'  # before RandomStateHook and the checkpoint hook, which see the stop

    def __init__(self) -> None:
        self.signalled = False
        self.preempted = False
        self.previous_handler = None
        self.checkpoint_hook: Optional[ResumableCheckpointHook] = None

    def before_train(self, runner) -> None:
        self.checkpoint_hook = checkpoint_hook_of(runner, 'PreemptionHook')
        self.previous_handler = signal.signal(signal.SIGTERM, self.on_sigterm)

    def on_sigterm(self, signum, frame) -> None:
        self.signalled = True

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.agreed_stop():
            print_log(f'SIGTERM: stopping after iteration {runner.iter + 1} with a checkpoint; continue with '
                      '--resume', logger='current')
            self.preempted = True
            runner.train_loop.stop_training = True

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        # outside training SIGTERM keeps its default; with another train loop the stop comes after the next
        # iteration (checked before the all-reduce, which only the resumable loop needs per validation batch)
        if self.checkpoint_hook is None or not isinstance(runner.train_loop, ResumableIterBasedTrainLoop):
            return
        if not self.agreed_stop():
            return
        print_log(f'SIGTERM during validation: stopping after iteration {runner.iter} with a checkpoint, without '
                  "this validation's metrics; continue with --resume", logger='current')
        self.preempted = True
        self.checkpoint_hook.save_between_iterations(runner)
        raise ValidationInterrupted(f'SIGTERM during validation after iteration {runner.iter}')

    def agreed_stop(self) -> bool:
        """Whether any rank received SIGTERM (the same answer on every rank)."""
        if get_world_size() == 1:
            return self.signalled
        flag = torch.tensor(float(self.signalled))
        all_reduce(flag, op='sum')
        return flag.item() > 0

    def after_train(self, runner) -> None:
        if self.previous_handler is not None:
            signal.signal(signal.SIGTERM, self.previous_handler)
        self.checkpoint_hook = None
