"""Random-number state in checkpoints, so a resumed run draws the same noise as an uninterrupted one."""
import random
from typing import List, Optional

import numpy as np
import torch
from mmagic.registry import HOOKS
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log

from .resumable_checkpoint_hook import ResumableCheckpointHook, checkpoint_hook_of

CHECKPOINT_KEY = 'rng_states'


def capture_rng() -> dict:
    """The torch (CPU and CUDA), numpy and Python RNG states of this process."""
    state = dict(torch=torch.get_rng_state(), numpy=np.random.get_state(), python=random.getstate())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict) -> None:
    """Set the states captured by :func:`capture_rng`."""
    torch.set_rng_state(state['torch'])
    np.random.set_state(state['numpy'])
    random.setstate(state['python'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Store every rank's RNG states in each checkpoint and restore them when training resumes.

    mmengine checkpoints hold no RNG state: after a resume the noise draws of z_D, z_G differ from an
    uninterrupted run. At the iterations where :class:`ResumableCheckpointHook` will save (its
    ``saves_at_this_iter``, the one schedule), this hook gathers the states of all ranks after every other RNG
    user of the iteration; it cannot wait for the save itself, a collective on rank 0 only. The checkpoint stores
    them; on ``--resume`` each rank gets its own state back before its first iteration. Validation runs with a
    saved-and-restored state, so evaluating does not shift the training noise stream; during training the states
    are gathered before it too, for the checkpoints written while it runs (the best checkpoint; one written when
    SIGTERM interrupts it). ``load_from`` (fine-tuning) leaves the RNG seeded by the config. The data position is
    restored by :class:`~mmbegan.engine.runner.ResumableIterBasedTrainLoop`.
    """

    priority = 'LOW'  # after the hooks that sample (visualisation) and PreemptionHook, before the checkpoint hook

    def __init__(self) -> None:
        self.checkpoint_hook: Optional[ResumableCheckpointHook] = None
        self.states: Optional[List[dict]] = None
        self.resumed: Optional[List[dict]] = None
        self.before_val_state: Optional[dict] = None

    def before_train(self, runner) -> None:
        self.checkpoint_hook = checkpoint_hook_of(runner, 'RandomStateHook')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.checkpoint_hook.saves_at_this_iter(runner):
            self.capture()

    def capture(self) -> None:
        """Gather the RNG states of all ranks for the next checkpoint (a collective: every rank calls it)."""
        self.states = all_gather_object(capture_rng())

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.states is not None:
            checkpoint[CHECKPOINT_KEY] = self.states

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if runner._resume and CHECKPOINT_KEY in checkpoint:
            states = checkpoint[CHECKPOINT_KEY]
            if len(states) == get_world_size():
                self.resumed = states
            else:
                print_log(f'checkpoint holds RNG states of {len(states)} ranks, this run has {get_world_size()}: '
                          'noise draws continue from the config seed instead', logger='current')

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self.resumed is not None:
            restore_rng(self.resumed[get_rank()])
            self.resumed = None

    def before_val_epoch(self, runner) -> None:
        self.before_val_state = capture_rng()
        if self.checkpoint_hook is not None:  # validating during training: a checkpoint may be written before the end
            self.capture()

    def after_val_epoch(self, runner, metrics=None) -> None:
        if self.before_val_state is not None:
            restore_rng(self.before_val_state)
            self.before_val_state = None
