"""mmengine's CheckpointHook that saves where a run stops early and never loses its last good checkpoint."""
import os
import os.path as osp
from typing import Optional

from mmagic.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook


@HOOKS.register_module()
class ResumableCheckpointHook(CheckpointHook):
    """CheckpointHook (same folder, file names, backend, ``last_checkpoint``, ``max_keep_ckpts``) that also writes
    a checkpoint at the iteration after which the train loop stops early (``train_loop.stop_training``, set e.g.
    by :class:`PreemptionHook` on SIGTERM), so a stopped run can always continue with ``--resume``.

    Unlike mmengine 0.10.7's hook, which deletes the oldest checkpoint before it writes the new one, the outdated
    checkpoint is deleted and ``last_checkpoint`` moved only after the new file was written completely: a failed
    save (disk full, I/O error) stops training with an error naming the file and the cause, and leaves the
    previous checkpoints and ``last_checkpoint`` as they were.

    :meth:`save_between_iterations` writes the same checkpoint for a run that stops during validation.
    :meth:`saves_at_this_iter` is the one schedule of iteration-based saving: hooks that must prepare a checkpoint
    on every rank beforehand (:class:`RandomStateHook`) ask it instead of re-deriving the rule.
    """

    def saves_at_this_iter(self, runner) -> bool:
        """Whether :meth:`after_train_iter` writes a checkpoint at the end of the current iteration."""
        if self.by_epoch:
            return False
        return bool(self.every_n_train_iters(runner, self.interval, self.save_begin)
                    or (self.save_last and self.is_last_train_iter(runner))
                    or getattr(runner.train_loop, 'stop_training', False))

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.saves_at_this_iter(runner):
            runner.logger.info(f'Saving checkpoint at {runner.iter + 1} iterations')
            self._save_checkpoint(runner)

    def save_between_iterations(self, runner) -> None:
        """Write the checkpoint of the iterations trained so far from outside an iteration (during validation, where
        ``runner.iter`` counts the last one already), unless :meth:`after_train_iter` wrote it."""
        trained = runner.iter
        if self.last_ckpt == self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(trained)):
            return
        runner.logger.info(f'Saving checkpoint at {trained} iterations')
        self._save_checkpoint_with_step(runner, trained, dict(epoch=runner.epoch, iter=trained))

    def _save_checkpoint_with_step(self, runner, step: int, meta: dict) -> None:
        """Write the checkpoint of ``step``, then point ``last_checkpoint`` at it and delete the outdated one."""
        outdated: Optional[int] = None
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        filename = self.filename_tmpl.format(step)
        path = self.file_backend.join_path(self.out_dir, filename)
        try:
            runner.save_checkpoint(self.out_dir, filename, self.file_client_args, save_optimizer=self.save_optimizer,
                                   save_param_scheduler=self.save_param_scheduler, meta=meta, by_epoch=self.by_epoch,
                                   backend_args=self.backend_args, **self.args)
        except Exception as err:
            raise RuntimeError(f'saving checkpoint {path} failed ({type(err).__name__}: {err}); training stopped. The '
                               f'previous checkpoints and {osp.join(runner.work_dir, "last_checkpoint")} are '
                               'unchanged: free space or fix the storage, then continue with --resume') from err
        self.last_ckpt = path
        runner.message_hub.update_info('last_ckpt', path)
        if not is_main_process():
            return
        pointer = osp.join(runner.work_dir, 'last_checkpoint')
        with open(pointer + '.part', 'w') as f:
            f.write(path)
        os.replace(pointer + '.part', pointer)
        if outdated is not None:
            old = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(outdated))
            if self.file_backend.isfile(old):
                self.file_backend.remove(old)
            elif self.file_backend.isdir(old):  # checkpoints saved by deepspeed are folders
                self.file_backend.rmtree(old)


def checkpoint_hook_of(runner, user: str) -> ResumableCheckpointHook:
    """The run's :class:`ResumableCheckpointHook`, or an error telling the config of ``user`` how to get one."""
    for hook in runner.hooks:
        if isinstance(hook, ResumableCheckpointHook):
            return hook
    raise TypeError(f"{user} needs default_hooks.checkpoint of type 'ResumableCheckpointHook' (mmbegan's "
                    "configs/_base_/began_runtime.py sets it); this run's checkpoint hook is "
                    f"{[type(h).__name__ for h in runner.hooks if isinstance(h, CheckpointHook)] or 'missing'}")
