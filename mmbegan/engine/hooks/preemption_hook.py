"""Save a checkpoint and stop cleanly when the job is pre-empted (SIGTERM)."""
import signal

import torch
from mmagic.registry import HOOKS
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import CheckpointHook, Hook
from mmengine.logging import print_log

from .random_state_hook import RandomStateHook, checkpoint_due

PREEMPTED_EXIT_CODE = 128 + signal.SIGTERM


@HOOKS.register_module()
class PreemptionHook(Hook):
    """On SIGTERM (cluster pre-emption, ``kill``), finish the current iteration, save a checkpoint through the
    run's CheckpointHook (so ``last_checkpoint`` points to it and ``--resume`` continues from there) and stop.

    Ranks agree on the stop with one all-reduce per iteration (only when distributed), so all of them stop at the
    same iteration; the RNG states of RandomStateHook are refreshed before that save.
    ``tools/train.py`` then exits with code 143 (128 + SIGTERM).
    """

    priority = 'LOWEST'  # after CheckpointHook, so a checkpoint of this iteration is not written twice

    def __init__(self):
        self.signalled = False
        self.preempted = False
        self.previous_handler = None

    def before_train(self, runner) -> None:
        self.previous_handler = signal.signal(signal.SIGTERM, self.on_sigterm)

    def on_sigterm(self, signum, frame) -> None:
        self.signalled = True

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if not self.agreed_stop():
            return
        if not checkpoint_due(runner):  # otherwise CheckpointHook has just saved this iteration
            for hook in runner.hooks:
                if isinstance(hook, RandomStateHook):
                    hook.capture()
            next(hook for hook in runner.hooks if isinstance(hook, CheckpointHook))._save_checkpoint(runner)
        print_log(f'SIGTERM: saved {runner.message_hub.get_info("last_ckpt")} at iteration {runner.iter + 1} and '
                  'stopped; continue with --resume', logger='current')
        self.preempted = True
        runner.train_loop.stop_training = True

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
