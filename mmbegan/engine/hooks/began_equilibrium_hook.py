"""The k_t control law of BEGAN, its convergence measure and its learning-rate decay."""
import math
import os.path as osp
from typing import Dict, Optional

import torch
from mmagic.registry import HOOKS
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import ReduceOnPlateauLR
from torch import Tensor

from mmbegan.models.equilibrium import convergence_measure, next_k

CHECKPOINT_KEY = 'began_equilibrium'


@HOOKS.register_module()
class BEGANEquilibriumHook(Hook):
    """Own BEGAN's equilibrium: after every training iteration,
    ``k_{t+1} = clip(k_t + λ_k (γ L(x) − L(G(z_G))), 0, 1)`` and ``M_global = L(x) + |γ L(x) − L(G(z_G))|``.

    γ and λ_k come from the model, L(x) and L(G(z_G)) from the iteration's ``recon_real`` / ``recon_fake``.
    Every tensor of the iteration's outputs is averaged over all ranks first (one all-reduce), so each rank
    applies the same update and the logged losses are the global means. The hook writes ``k_t`` (after the
    update), ``m_global`` and ``balance`` to the log every iteration. It runs at the highest priority so that
    the averaged outputs are what RuntimeInfoHook logs.

    When ``lr_decay`` is on, the mean M_global of each window of ``window`` iterations feeds mmengine's
    ``ReduceOnPlateauLR`` (one per optimizer): the learning rates are multiplied by ``factor`` (not below
    ``min_lr``) after ``patience`` windows without a relative improvement of ``threshold``, in place, so the
    optimizer state is kept. The decay state is saved in checkpoints and restored on resume.

    Args:
        lr_decay (bool): halve the learning rate when M_global stalls (the paper's schedule).
        window (int): iterations averaged into one M_global measurement.
        patience (int): windows without improvement before a decay.
        factor (float): multiplier applied to every learning rate at a decay, in (0, 1).
        min_lr (float): floor of the learning rates (a too low lr collapsed earlier BEGAN runs).
        threshold (float): relative improvement of the best window mean that counts as progress.
    """

    priority = 'HIGHEST'

    def __init__(self, lr_decay: bool = True, window: int = 500, patience: int = 10, factor: float = 0.5,
                 min_lr: float = 2e-5, threshold: float = 1e-3):
        for value, name in ((window, 'window'), (patience, 'patience')):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f'BEGANEquilibriumHook: {name} must be a positive integer, got {value!r}')
        if not 0 < factor < 1:
            raise ValueError(f'BEGANEquilibriumHook: factor must be in (0, 1), got {factor!r}')
        if min_lr < 0 or threshold < 0:
            raise ValueError(f'BEGANEquilibriumHook: min_lr and threshold must be >= 0, got {min_lr}, {threshold}')
        self.lr_decay = lr_decay
        self.window = window
        self.patience = patience
        self.factor = factor
        self.min_lr = min_lr
        self.threshold = threshold
        self.schedulers: Dict[str, ReduceOnPlateauLR] = {}
        self.window_sum = 0.0
        self.window_count = 0
        self._loaded_state: Optional[dict] = None

    @staticmethod
    def began_model(runner):
        """The BEGAN model behind any wrapper, checked to hold what the control law needs."""
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        missing = [name for name in ('k_t', 'gamma', 'lambda_k') if not hasattr(model, name)]
        if missing:
            raise TypeError(f'BEGANEquilibriumHook needs a BEGAN model; {type(model).__name__} lacks {missing}')
        return model

    def before_train(self, runner) -> None:
        """Attach to the model and build the plateau detectors (restoring their state on resume)."""
        self.began_model(runner).equilibrium_hook_attached = True
        if self.lr_decay:
            self.schedulers = {
                name: ReduceOnPlateauLR(wrapper, monitor='m_global', rule='less', factor=self.factor,
                                        patience=self.patience, threshold=self.threshold, min_value=self.min_lr)
                for name, wrapper in runner.optim_wrapper.items()
            }
        if self._loaded_state is not None:
            self.load_state_dict(self._loaded_state)
            self._loaded_state = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs: Optional[dict] = None) -> None:
        """Average the outputs over ranks, update k_t, log k_t / M_global / balance, step the lr decay."""
        if not outputs or 'recon_real' not in outputs or 'recon_fake' not in outputs:
            raise KeyError('BEGANEquilibriumHook needs `recon_real` and `recon_fake` in the train_step outputs '
                           f'of every iteration, got keys {sorted(outputs or {})}')
        averaged = self.average_outputs(outputs)
        if not torch.isfinite(averaged).all():
            raise_non_finite(runner, outputs)
        model = self.began_model(runner)
        k_next, balance = next_k(model.k_t, model.gamma, model.lambda_k, outputs['recon_real'], outputs['recon_fake'])
        model.k_t.copy_(k_next)
        m_global = convergence_measure(model.gamma, outputs['recon_real'], outputs['recon_fake'])
        k_t, m_global, balance = torch.stack([model.k_t, m_global, balance]).tolist()
        hub = runner.message_hub
        hub.update_scalar('train/k_t', k_t)
        hub.update_scalar('train/m_global', m_global)
        hub.update_scalar('train/balance', balance)
        if self.lr_decay:
            self.window_sum += m_global
            self.window_count += 1
            if self.window_count == self.window:
                metrics = dict(m_global=self.window_sum / self.window_count)
                for scheduler in self.schedulers.values():
                    scheduler.step(metrics)
                self.window_sum, self.window_count = 0.0, 0

    @staticmethod
    def average_outputs(outputs: dict) -> Tensor:
        """Replace every tensor of ``outputs`` by its mean over all ranks (in place, one collective).

        Returns the averaged values stacked in one tensor."""
        keys = [key for key, value in outputs.items() if isinstance(value, Tensor)]
        stacked = torch.stack([outputs[key].detach().float().reshape(()) for key in keys])
        all_reduce(stacked, op='mean')
        for key, value in zip(keys, stacked.unbind()):
            outputs[key] = value
        return stacked

    def state_dict(self) -> dict:
        """Plain-Python state of the lr decay (weights-only loadable)."""
        return dict(window_sum=self.window_sum, window_count=self.window_count,
                    schedulers={name: sched.state_dict() for name, sched in self.schedulers.items()})

    def load_state_dict(self, state: dict) -> None:
        """Restore :meth:`state_dict`; plateau state of optimizers this run does not have is ignored."""
        self.window_sum = float(state['window_sum'])
        self.window_count = int(state['window_count'])
        for name, sched_state in state['schedulers'].items():
            if name in self.schedulers:
                self.schedulers[name].load_state_dict(sched_state)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Store the lr-decay state next to the weights (k_t itself is a model buffer)."""
        checkpoint[CHECKPOINT_KEY] = self.state_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keep the lr-decay state of a resumed run for :meth:`before_train`; ``load_from`` starts it afresh."""
        if runner._resume and CHECKPOINT_KEY in checkpoint:
            self._loaded_state = checkpoint[CHECKPOINT_KEY]


def raise_non_finite(runner, outputs: dict) -> None:
    """Stop training at the first non-finite loss, before a checkpoint could store the broken weights."""
    bad = {key: float(value) for key, value in outputs.items()
           if isinstance(value, Tensor) and not math.isfinite(float(value))}
    last_ckpt_file = osp.join(runner.work_dir, 'last_checkpoint')
    last_ckpt = open(last_ckpt_file).read().strip() if osp.isfile(last_ckpt_file) else 'none saved yet'
    raise FloatingPointError(
        f'non-finite training values at iteration {runner.iter + 1}: {bad}. Training stopped so that no NaN '
        f'weights are saved; last good checkpoint: {last_ckpt}. Resume from it with a lower learning rate.')
