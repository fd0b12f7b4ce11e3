"""Stop cleanly, with a checkpoint, when the job is pre-empted (SIGTERM)."""
import signal
from typing import Optional

import torch
from mmagic.registry import HOOKS
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from torch.utils.hooks import RemovableHandle

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
    and :class:`ValidationInterrupted` ends training; the metrics of that validation are not computed. So is the
    metrics' preparation before the first validation batch (FID's real-image features: 10k images take minutes
    on a CPU), checked before every batch that passes the model's data preprocessor, as mmagic's real-feature
    extraction has each one do; the unfinished real-image statistics are not saved. (With another train loop, the
    stop comes after the first iteration that follows the validation.)
    """

    priority = 'BELOW_NORMAL'  # before RandomStateHook and the checkpoint hook, which see the stop

    def __init__(self) -> None:
        self.signalled = False
        self.preempted = False
        self.previous_handler = None
        self.checkpoint_hook: Optional[ResumableCheckpointHook] = None
        self.preparation_check: Optional[RemovableHandle] = None

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

    def before_val(self, runner) -> None:
        if self.interrupts_validation(runner):
            model = runner.model.module if is_model_wrapper(runner.model) else runner.model
            self.preparation_check = model.data_preprocessor.register_forward_pre_hook(
                lambda preprocessor, inputs: self.leave_validation_if_stopped(runner))

    def before_val_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self.remove_preparation_check()  # the metrics are prepared; from here on after_val_iter checks

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.interrupts_validation(runner):
            self.leave_validation_if_stopped(runner)

    def after_val(self, runner) -> None:
        self.remove_preparation_check()

    def interrupts_validation(self, runner) -> bool:
        """Whether a SIGTERM during validation ends training: only while training with the resumable loop
        (outside training SIGTERM keeps its default; with another train loop the stop comes after the next
        iteration)."""
        return self.checkpoint_hook is not None and isinstance(runner.train_loop, ResumableIterBasedTrainLoop)

    def leave_validation_if_stopped(self, runner) -> None:
        """Write the checkpoint of the iterations trained so far and leave validation if any rank was signalled."""
        if not self.agreed_stop():
            return
        print_log(f'SIGTERM during validation: stopping after iteration {runner.iter} with a checkpoint, without '
                  "this validation's metrics; continue with --resume", logger='current')
        self.preempted = True
        self.checkpoint_hook.save_between_iterations(runner)
        raise ValidationInterrupted(f'SIGTERM during validation after iteration {runner.iter}')

    def remove_preparation_check(self) -> None:
        if self.preparation_check is not None:
            self.preparation_check.remove()
            self.preparation_check = None

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
        self.remove_preparation_check()
        self.checkpoint_hook = None
