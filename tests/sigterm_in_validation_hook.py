"""A test-only hook: SIGTERM in the middle of a validation run, for the pre-emption tests.

Imported by the two-rank test through ``custom_imports``; the one-process test registers an instance itself.
"""
import os
import signal

import torch
from mmagic.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook


@HOOKS.register_module()
class SigtermInValidationHook(Hook):
    """Rank ``rank`` sends its own process SIGTERM in the first validation: after its first batch, or with
    ``before_preparation`` as it starts, before the metrics prepare. Counts the validation batches and keeps the
    torch RNG state that validation started with."""

    priority = 'NORMAL'  # before PreemptionHook, which sees the signal after the same batch

    def __init__(self, rank: int = 0, before_preparation: bool = False) -> None:
        self.rank = rank
        self.before_preparation = before_preparation
        self.batches = 0
        self.rng_before = None

    def before_val(self, runner) -> None:
        if self.before_preparation and get_rank() == self.rank:
            os.kill(os.getpid(), signal.SIGTERM)

    def before_val_epoch(self, runner) -> None:
        self.rng_before = torch.get_rng_state()

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self.batches += 1
        if self.batches == 1 and not self.before_preparation and get_rank() == self.rank:
            os.kill(os.getpid(), signal.SIGTERM)
