"""mmengine's iteration-based train loop, resumed at its data position instead of replaying the consumed data."""
import logging
from typing import List, Union

from mmagic.registry import LOOPS
from mmengine.dist import get_world_size
from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator
from torch import nn
from torch.utils.data import DataLoader

from mmbegan.datasets.samplers import ResumableInfiniteSampler

from .sigterm_to_main import leave_sigterm_to_main

# message-hub runtime info (saved in every checkpoint, loaded back by --resume): the sampler's seed and the
# stream position after the last trained batch, in samples taken by all ranks together
DATA_POSITION_KEY = 'train_data_position'


class ValidationInterrupted(Exception):
    """Raised by a hook inside a validation run during training to leave it at once and end training (as
    ``stop_training`` does after an iteration), e.g. by :class:`PreemptionHook` on SIGTERM."""


@LOOPS.register_module()
class ResumableIterBasedTrainLoop(IterBasedTrainLoop):
    """``IterBasedTrainLoop`` that resumes at the saved data position instead of replaying the data.

    On resume at iteration i, mmengine's loop draws i batches from the dataloader and drops them: every consumed
    image is loaded again (≈ 25 min at 200k iterations of 16 images). With a :class:`ResumableInfiniteSampler`,
    this loop keeps the sampler's seed and stream position in the message hub, so every checkpoint has them; on
    resume it starts the sampler there (one permutation's cost) and builds the dataloader's iterator anew (the one
    built with the loop may have prefetched from the start). A checkpoint without the position (written before
    this loop) resumes at i × batch size × world size, where the replay would have put it. With any other sampler
    the loop replays, as mmengine's does.

    The workers of its dataloader and of the validation loop's ignore SIGTERM (:func:`leave_sigterm_to_main`),
    so that a signal sent to the whole job reaches :class:`PreemptionHook` instead of failing the data stream.
    A hook may leave a validation run early by raising :class:`ValidationInterrupted`: training ends there, with
    the ``after_train_epoch`` and ``after_train`` hooks, as after ``stop_training``.
    """

    def __init__(self, runner, dataloader: Union[DataLoader, dict], *args, **kwargs) -> None:
        if isinstance(dataloader, dict):  # built here as BaseLoop would: the parent starts the workers
            dataloader = runner.build_dataloader(
                dataloader, seed=runner.seed, diff_rank_seed=runner._randomness_cfg.get('diff_rank_seed', False))
        leave_sigterm_to_main(dataloader)
        super().__init__(runner, dataloader, *args, **kwargs)

    def run(self) -> nn.Module:
        """mmengine's ``IterBasedTrainLoop.run`` with :meth:`restore_data_position` in place of the replay."""
        for loader in self.val_dataloaders():
            leave_sigterm_to_main(loader)
        self.runner.call_hook('before_train')
        self.runner.call_hook('before_train_epoch')
        if self._iter > 0:
            self.restore_data_position()
        while self._iter < self._max_iters and not self.stop_training:
            self.runner.model.train()
            data_batch = next(self.dataloader_iterator)
            self.advance_data_position()
            self.run_iter(data_batch)
            self._decide_current_val_interval()
            if (self.runner.val_loop is not None and self._iter >= self.val_begin
                    and (self._iter % self.val_interval == 0 or self._iter == self._max_iters)):
                try:
                    self.runner.val_loop.run()
                except ValidationInterrupted:
                    self.stop_training = True
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model

    def val_dataloaders(self) -> List[DataLoader]:
        """The validation loop's dataloaders (mmengine's ``ValLoop`` has one, mmagic's ``MultiValLoop`` a list)."""
        loop = self.runner.val_loop
        loaders = getattr(loop, 'dataloaders', [getattr(loop, 'dataloader', None)])
        return [loader for loader in loaders if isinstance(loader, DataLoader)]

    @property
    def resumable(self) -> bool:
        """Whether the dataloader draws fixed-size batches from a :class:`ResumableInfiniteSampler`."""
        return (isinstance(getattr(self.dataloader, 'sampler', None), ResumableInfiniteSampler)
                and self.dataloader.batch_size is not None)

    def advance_data_position(self) -> None:
        """Count the batch just drawn (before the iteration's hooks, so that its checkpoint includes it)."""
        if not self.resumable:
            return
        hub = self.runner.message_hub
        position = hub.get_info(DATA_POSITION_KEY, dict(position=0))['position']
        hub.update_info(DATA_POSITION_KEY, dict(seed=self.dataloader.sampler.seed,
                                                position=position + self.dataloader.batch_size * get_world_size()))

    def restore_data_position(self) -> None:
        """Start the data stream where the resumed run stopped."""
        if not self.resumable:
            print_log(f'{type(self.dataloader.sampler).__name__} cannot start mid-stream: replaying {self._iter} '
                      "batches (use dict(type='ResumableInfiniteSampler') to skip them)", logger='current',
                      level=logging.WARNING)
            for _ in range(self._iter):
                next(self.dataloader_iterator)
            return
        sampler = self.dataloader.sampler
        hub = self.runner.message_hub
        saved = hub.get_info(DATA_POSITION_KEY)
        if saved is None:  # a checkpoint written before this loop
            saved = dict(seed=sampler.seed, position=self._iter * self.dataloader.batch_size * get_world_size())
            hub.update_info(DATA_POSITION_KEY, saved)
        sampler.start_at(saved['position'], saved['seed'])
        self.dataloader_iterator = _InfiniteDataloaderIterator(self.dataloader)
        print_log(f'data stream resumed at sample {saved["position"]} (seed {saved["seed"]}), nothing replayed',
                  logger='current')
