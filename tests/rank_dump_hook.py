"""A test-only hook: each rank writes its weights, k_t, raw / logged losses, device and process-group backend to
``<work_dir>/rank<r>.pth``.

Imported by distributed tests through ``custom_imports`` so that they can compare what every rank holds.
"""
import os.path as osp

import torch
import torch.distributed as dist
from mmagic.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class RankDumpHook(Hook):
    """Record the model's raw train_step outputs (before its cross-rank averaging) and dump state at the end."""

    raw = None

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        self.raw = []
        agree = model.agree_across_ranks

        def recording_agree(outputs):
            self.raw.append({key: value.item() for key, value in outputs.items()})
            return agree(outputs)

        model.agree_across_ranks = recording_agree

    def after_run(self, runner) -> None:
        if self.raw is None:  # a test run
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        hub = runner.message_hub
        logged = {key: hub.get_scalar(f'train/{key}').data[0].tolist()
                  for key in ('loss_disc', 'loss_gen', 'recon_real', 'recon_fake', 'k_t')}
        state = {key: value.clone() for key, value in model.state_dict().items()}
        backend = dist.get_backend() if dist.is_initialized() else None
        torch.save(dict(state_dict=state, raw=self.raw, logged=logged, backend=backend,
                        device=next(model.parameters()).device.type),
                   osp.join(runner.work_dir, f'rank{get_rank()}.pth'))
