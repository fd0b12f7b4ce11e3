"""BEGANEquilibriumHook: the k_t law by hand, clipping, logging, the non-finite guard and removed arguments."""
from types import SimpleNamespace

import pytest
import torch
from mmagic.models import DataPreprocessor
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.runner import Runner
from torch.optim import SGD

from mmbegan.engine import BEGANEquilibriumHook
from mmbegan.models import BEGAN
from tests.helpers import FASHION_CFG, tiny_cfg

GEN = dict(type='BEGANGenerator', output_scale=16, base_channels=2, noise_size=4)
DISC = dict(type='BEGANDiscriminator', input_scale=16, base_channels=2, embedding_size=4)


def make_runner(tmp_path, gamma=0.5, lambda_k=0.1, k_init=0.0, lr=0.1):
    """A stand-in runner with a tiny BEGAN, SGD optimizers and its own message hub."""
    model = BEGAN(GEN, DISC, data_preprocessor=DataPreprocessor(), gamma=gamma, lambda_k=lambda_k, k_init=k_init)
    optim = OptimWrapperDict(generator=OptimWrapper(SGD(model.generator.parameters(), lr=lr)),
                             discriminator=OptimWrapper(SGD(model.discriminator.parameters(), lr=lr)))
    return SimpleNamespace(model=model, optim_wrapper=optim, message_hub=MessageHub.get_instance('hook-test'),
                           work_dir=str(tmp_path), iter=0, _resume=False)


def step(hooks, runner, recon_real, recon_fake):
    """One iteration's after_train_iter of ``hooks`` (in order) with the given reconstruction errors."""
    outputs = dict(loss_disc=torch.tensor(0.1), loss_gen=torch.tensor(recon_fake),
                   recon_real=torch.tensor(recon_real), recon_fake=torch.tensor(recon_fake))
    for hook in hooks:
        hook.after_train_iter(runner, 0, None, outputs)
    runner.iter += 1
    return outputs


def test_k_t_law_by_hand(tmp_path):
    runner = make_runner(tmp_path, gamma=0.5, lambda_k=0.1, k_init=0.5)
    hook = BEGANEquilibriumHook()
    hook.before_train(runner)
    assert runner.model.equilibrium_hook_attached
    step([hook], runner, recon_real=0.4, recon_fake=0.1)  # balance = 0.5·0.4 − 0.1 = 0.1
    assert runner.model.k_t.item() == pytest.approx(0.51)
    hub = runner.message_hub
    assert hub.get_scalar('train/k_t').current() == pytest.approx(0.51)
    assert hub.get_scalar('train/balance').current() == pytest.approx(0.1)
    assert hub.get_scalar('train/m_global').current() == pytest.approx(0.5)  # 0.4 + |0.1|
    step([hook], runner, recon_real=0.2, recon_fake=0.3)  # balance = −0.2 → k = 0.51 − 0.02
    assert runner.model.k_t.item() == pytest.approx(0.49)
    assert hub.get_scalar('train/m_global').current() == pytest.approx(0.4)


def test_d_only_iteration_uses_the_d_steps_fake_error(tmp_path):
    """Without a G step (discriminator_steps > 1) the law reads L(G(z_D)) of the D step."""
    runner = make_runner(tmp_path, gamma=0.5, lambda_k=0.1, k_init=0.5)
    hook = BEGANEquilibriumHook()
    hook.before_train(runner)
    outputs = dict(loss_disc=torch.tensor(0.1), recon_real=torch.tensor(0.4), recon_fake_disc=torch.tensor(0.3))
    hook.after_train_iter(runner, 0, None, outputs)  # balance = 0.5·0.4 − 0.3 = −0.1
    assert runner.model.k_t.item() == pytest.approx(0.49)
    assert runner.message_hub.get_scalar('train/m_global').current() == pytest.approx(0.5)
    outputs.update(recon_fake=torch.tensor(0.1))  # with a G step, its L(G(z_G)) counts
    hook.after_train_iter(runner, 1, None, outputs)
    assert runner.model.k_t.item() == pytest.approx(0.50)


def test_k_t_is_clipped_at_both_ends(tmp_path):
    runner = make_runner(tmp_path, gamma=1.0, lambda_k=1.0, k_init=0.95)
    hook = BEGANEquilibriumHook()
    hook.before_train(runner)
    step([hook], runner, recon_real=0.5, recon_fake=0.1)  # 0.95 + 0.4 → 1
    assert runner.model.k_t.item() == 1.0
    step([hook], runner, recon_real=0.1, recon_fake=2.0)  # 1 − 1.9 → 0
    assert runner.model.k_t.item() == 0.0


def test_missing_outputs_and_non_finite_losses(tmp_path):
    runner = make_runner(tmp_path)
    hook = BEGANEquilibriumHook()
    hook.before_train(runner)
    with pytest.raises(KeyError, match='recon_real'):
        hook.after_train_iter(runner, 0, None, dict(loss_disc=torch.tensor(1.0)))
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_10.pth'))
    runner.iter = 11
    k_before = runner.model.k_t.item()
    with pytest.raises(FloatingPointError, match=r'iteration 12.*recon_fake.*last good checkpoint: .*iter_10.pth'):
        step([hook], runner, recon_real=0.3, recon_fake=float('nan'))
    assert runner.model.k_t.item() == k_before  # k_t never takes a NaN


def test_lr_decay_arguments_name_their_new_hook():
    with pytest.raises(TypeError, match="MGlobalPlateauHook"):
        BEGANEquilibriumHook(lr_decay=True, window=200)


@pytest.mark.integration
def test_runner_trains_with_discriminator_steps_and_accumulation(tmp_path, image_folder):
    """discriminator_steps=2 and D's gradient accumulation over 2 iterations: G trains every 4th iteration, k_t and
    M_global are logged every iteration (mmagic's BaseGAN schedule through mmengine's runner)."""
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, max_iters=8)
    cfg.model.discriminator_steps = 2
    cfg.optim_wrapper.discriminator.accumulative_counts = 2
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    assert len(hub.get_scalar('train/loss_gen').data[0]) == 2
    assert len(hub.get_scalar('train/k_t').data[0]) == 8 and len(hub.get_scalar('train/loss_disc').data[0]) == 8
    assert runner.model.k_t.item() > 0
