"""BEGANEquilibriumHook: the k_t law by hand, clipping, logging, lr decay on stall and its state."""
from types import SimpleNamespace

import pytest
import torch
from mmagic.models import DataPreprocessor
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper, OptimWrapperDict
from torch.optim import SGD

from mmbegan.engine import BEGANEquilibriumHook
from mmbegan.models import BEGAN

GEN = dict(type='BEGANGenerator', output_scale=16, base_channels=2, noise_size=4)
DISC = dict(type='BEGANDiscriminator', input_scale=16, base_channels=2, embedding_size=4)


def make_runner(tmp_path, gamma=0.5, lambda_k=0.1, k_init=0.0, lr=0.1):
    model = BEGAN(GEN, DISC, data_preprocessor=DataPreprocessor(), gamma=gamma, lambda_k=lambda_k, k_init=k_init)
    optim = OptimWrapperDict(generator=OptimWrapper(SGD(model.generator.parameters(), lr=lr)),
                             discriminator=OptimWrapper(SGD(model.discriminator.parameters(), lr=lr)))
    return SimpleNamespace(model=model, optim_wrapper=optim, message_hub=MessageHub.get_instance('hook-test'),
                           work_dir=str(tmp_path), iter=0, _resume=False)


def step(hook, runner, recon_real, recon_fake):
    outputs = dict(loss_disc=torch.tensor(0.1), loss_gen=torch.tensor(recon_fake),
                   recon_real=torch.tensor(recon_real), recon_fake=torch.tensor(recon_fake))
    hook.after_train_iter(runner, 0, None, outputs)
    runner.iter += 1
    return outputs


def test_k_t_law_by_hand(tmp_path):
    runner = make_runner(tmp_path, gamma=0.5, lambda_k=0.1, k_init=0.5)
    hook = BEGANEquilibriumHook(lr_decay=False)
    hook.before_train(runner)
    assert runner.model.equilibrium_hook_attached
    step(hook, runner, recon_real=0.4, recon_fake=0.1)  # balance = 0.5·0.4 − 0.1 = 0.1
    assert runner.model.k_t.item() == pytest.approx(0.51)
    hub = runner.message_hub
    assert hub.get_scalar('train/k_t').current() == pytest.approx(0.51)
    assert hub.get_scalar('train/balance').current() == pytest.approx(0.1)
    assert hub.get_scalar('train/m_global').current() == pytest.approx(0.5)  # 0.4 + |0.1|
    step(hook, runner, recon_real=0.2, recon_fake=0.3)  # balance = −0.2 → k = 0.51 − 0.02
    assert runner.model.k_t.item() == pytest.approx(0.49)
    assert hub.get_scalar('train/m_global').current() == pytest.approx(0.4)


def test_k_t_is_clipped_at_both_ends(tmp_path):
    runner = make_runner(tmp_path, gamma=1.0, lambda_k=1.0, k_init=0.95)
    hook = BEGANEquilibriumHook(lr_decay=False)
    hook.before_train(runner)
    step(hook, runner, recon_real=0.5, recon_fake=0.1)  # 0.95 + 0.4 → 1
    assert runner.model.k_t.item() == 1.0
    step(hook, runner, recon_real=0.1, recon_fake=2.0)  # 1 − 1.9 → 0
    assert runner.model.k_t.item() == 0.0


def test_lr_halves_on_stall_with_floor_and_keeps_optimizer(tmp_path):
    runner = make_runner(tmp_path, lr=0.1)
    sgd = runner.optim_wrapper['generator'].optimizer
    hook = BEGANEquilibriumHook(window=2, patience=1, factor=0.5, min_lr=0.03)
    hook.before_train(runner)
    lrs = []
    for _ in range(8):  # 4 windows of constant M_global: best, stall 1, stall 2 → decay, ...
        step(hook, runner, recon_real=0.4, recon_fake=0.2)
        lrs.append(sgd.param_groups[0]['lr'])
    assert lrs[:5] == [0.1] * 5 and lrs[5] == pytest.approx(0.05)
    assert runner.optim_wrapper['discriminator'].optimizer.param_groups[0]['lr'] == pytest.approx(0.05)
    for _ in range(12):
        step(hook, runner, recon_real=0.4, recon_fake=0.2)
    assert sgd.param_groups[0]['lr'] == pytest.approx(0.03)  # floor
    assert runner.optim_wrapper['generator'].optimizer is sgd


def test_lr_decay_state_round_trip(tmp_path):
    runner = make_runner(tmp_path)
    hook = BEGANEquilibriumHook(window=3, patience=2)
    hook.before_train(runner)
    for value in (0.5, 0.4, 0.3, 0.3, 0.3):
        step(hook, runner, recon_real=value, recon_fake=0.1)
    checkpoint = {}
    hook.before_save_checkpoint(runner, checkpoint)
    state = checkpoint['began_equilibrium']
    assert state['window_count'] == 2 and state['schedulers']['generator']['best'] < float('inf')
    restored = BEGANEquilibriumHook(window=3, patience=2)
    runner._resume = True
    restored.after_load_checkpoint(runner, checkpoint)
    restored.before_train(runner)
    assert restored.state_dict() == hook.state_dict()
    fresh = BEGANEquilibriumHook(window=3, patience=2)
    runner._resume = False  # load_from (fine-tuning) starts the decay afresh
    fresh.after_load_checkpoint(runner, checkpoint)
    fresh.before_train(runner)
    assert fresh.window_count == 0


def test_missing_outputs_and_non_finite_losses(tmp_path):
    runner = make_runner(tmp_path)
    hook = BEGANEquilibriumHook(lr_decay=False)
    hook.before_train(runner)
    with pytest.raises(KeyError, match='recon_real'):
        hook.after_train_iter(runner, 0, None, dict(loss_disc=torch.tensor(1.0)))
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_10.pth'))
    runner.iter = 11
    with pytest.raises(FloatingPointError, match=r'iteration 12.*recon_fake.*last good checkpoint: .*iter_10.pth'):
        step(hook, runner, recon_real=0.3, recon_fake=float('nan'))


@pytest.mark.parametrize('kwargs', [dict(window=0), dict(patience=-1), dict(factor=1.5), dict(min_lr=-1.0)])
def test_bad_hook_arguments(kwargs):
    with pytest.raises(ValueError, match='BEGANEquilibriumHook'):
        BEGANEquilibriumHook(**kwargs)
