"""BEGAN's k_t controller: the equilibrium law applied after every training iteration, and its log."""
import math
import os.path as osp
from typing import Dict, Optional

import torch
from mmagic.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import Tensor

from mmbegan.models.equilibrium import convergence_measure, next_k


@HOOKS.register_module()
class BEGANEquilibriumHook(Hook):
    """Own BEGAN's k_t: after every training iteration,
    ``k_{t+1} = clip(k_t + λ_k (γ L(x) − L(G(z_G))), 0, 1)`` and ``M_global = L(x) + |γ L(x) − L(G(z_G))|``
    (:mod:`mmbegan.models.equilibrium`).

    γ and λ_k come from the model, L(x) and L(G(z_G)) from the iteration's ``recon_real`` / ``recon_fake``,
    which BEGAN's ``train_step`` has already averaged over all ranks (``BEGAN.agree_across_ranks``), so every rank
    applies the same update. On an iteration without a G step (``discriminator_steps`` > 1 or D's gradient
    accumulation) L(G(z)) is the D step's ``recon_fake_disc``, measured before D's update, as compare_gan's BEGAN
    updates k with every D step. A non-finite value stops training before the law (and any checkpoint) sees it.
    ``k_t`` (after the update), ``m_global`` and ``balance`` are logged every iteration. The lr decay on an
    M_global stall is a separate hook, :class:`MGlobalPlateauHook`, which reads the logged ``train/m_global``.
    """

    priority = 'ABOVE_NORMAL'  # before LoggerHook and MGlobalPlateauHook (NORMAL), which read what it logs

    def __init__(self, **removed) -> None:
        if removed:
            raise TypeError(f'BEGANEquilibriumHook takes no arguments, got {sorted(removed)}: the lr decay on an '
                            "M_global stall is now its own hook, dict(type='MGlobalPlateauHook', window=..., "
                            'patience=..., factor=..., min_lr=...); leave that hook out to train without the decay')

    @staticmethod
    def began_model(runner):
        """The BEGAN model behind any wrapper, checked to hold what the control law needs."""
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        missing = [name for name in ('k_t', 'gamma', 'lambda_k') if not hasattr(model, name)]
        if missing:
            raise TypeError(f'BEGANEquilibriumHook needs a BEGAN model; {type(model).__name__} lacks {missing}')
        return model

    def before_train(self, runner) -> None:
        """Tell the model that its k_t has a controller (it refuses to train without one)."""
        self.began_model(runner).equilibrium_hook_attached = True

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs: Optional[dict] = None) -> None:
        """Refuse non-finite outputs, update k_t and log it."""
        outputs = outputs or {}
        recon_fake = outputs.get('recon_fake', outputs.get('recon_fake_disc'))
        if 'recon_real' not in outputs or recon_fake is None:
            raise KeyError('BEGANEquilibriumHook needs `recon_real` and `recon_fake` (or, on D-only iterations, '
                           '`recon_fake_disc`) in the train_step outputs of every iteration, got keys '
                           f'{sorted(outputs)}')
        values = {key: value for key, value in outputs.items() if isinstance(value, Tensor)}
        if not torch.isfinite(torch.stack([v.detach().float().reshape(()) for v in values.values()])).all():
            raise_non_finite(runner, {key: v.item() for key, v in values.items() if not math.isfinite(v.item())})
        model = self.began_model(runner)
        k_next, balance = next_k(model.k_t, model.gamma, model.lambda_k, outputs['recon_real'], recon_fake)
        model.k_t.copy_(k_next)
        m_global = convergence_measure(model.gamma, outputs['recon_real'], recon_fake)
        k_t, m_global, balance = torch.stack([model.k_t, m_global, balance]).tolist()
        hub = runner.message_hub
        hub.update_scalar('train/k_t', k_t)
        hub.update_scalar('train/m_global', m_global)
        hub.update_scalar('train/balance', balance)


def raise_non_finite(runner, bad: Dict[str, float]) -> None:
    """Stop training at the first non-finite loss, before a checkpoint could store the broken weights."""
    last_ckpt_file = osp.join(runner.work_dir, 'last_checkpoint')
    last_ckpt = open(last_ckpt_file).read().strip() if osp.isfile(last_ckpt_file) else 'none saved yet'
    raise FloatingPointError(
        f'non-finite training values at iteration {runner.iter + 1}: {bad}. Training stopped so that no NaN '
        f'weights are saved; last good checkpoint: {last_ckpt}. Resume from it with a lower learning rate.')
