"""BEGAN model: losses, gradient flow, both update modes, EMA, noise prior and argument checks."""
import copy
from types import SimpleNamespace

import pytest
import torch
from mmagic.models import DataPreprocessor
from mmagic.structures import DataSample
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper, OptimWrapperDict
from torch.optim import SGD

from mmbegan.engine import BEGANEquilibriumHook
from mmbegan.models import BEGAN

GEN = dict(type='BEGANGenerator', output_scale=16, base_channels=4, noise_size=8, init_type='pytorch')
DISC = dict(type='BEGANDiscriminator', input_scale=16, base_channels=4, embedding_size=8, init_type='pytorch')


def make_model(disc: dict = DISC, **kwargs) -> BEGAN:
    model = BEGAN(GEN, disc, data_preprocessor=DataPreprocessor(), **kwargs)
    model.init_weights()
    BEGANEquilibriumHook().before_train(SimpleNamespace(model=model))  # what a training run does
    return model


def make_optim(model, lr=0.1):
    return OptimWrapperDict(generator=OptimWrapper(SGD(model.generator.parameters(), lr=lr)),
                            discriminator=OptimWrapper(SGD(model.discriminator.parameters(), lr=lr)))


def batch(num=2, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return dict(inputs=dict(),
                data_samples=[DataSample(gt_img=torch.rand(3, 16, 16, generator=gen) * 255) for _ in range(num)])


def l1(img, model):
    return (img - model.discriminator(img)).abs().mean()


def step_and_replay(**model_kwargs):
    """One train step at lr 0 (k_t 0.25) and, on a copy of the model with the same seed, the real batch and the
    noise and fakes of the discriminator's update: the inputs of the losses computed by hand."""
    model = make_model(k_init=0.25, **model_kwargs)
    MessageHub.get_current_instance().update_info('iter', 0)
    data = batch()
    ref = copy.deepcopy(model)
    torch.manual_seed(7)
    log = model.train_step(data, make_optim(model, lr=0.0))
    torch.manual_seed(7)
    real = ref.data_preprocessor(data, True)['data_samples'].gt_img
    z_d = ref.noise_fn(num_batches=2)
    return log, ref, real, z_d, ref.generator(z_d)


@pytest.mark.parametrize('mode', ['alternating', 'simultaneous'])
def test_train_step_outputs_and_no_k_t_write(mode):
    model = make_model(update_mode=mode, k_init=0.3)
    MessageHub.get_current_instance().update_info('iter', 0)
    log = model.train_step(batch(), make_optim(model))
    for key in ('loss_disc', 'loss_gen', 'recon_real', 'recon_fake'):
        assert isinstance(log[key], torch.Tensor) and not log[key].requires_grad
    assert log['loss_gen'] == log['recon_fake']
    assert model.k_t.item() == pytest.approx(0.3)  # only the hook writes k_t
    assert 'k_t' in model.state_dict()


def test_losses_match_the_paper():
    """L_D = L(x) − k_t·L(G(z_D)) and L_G = L(G(z_G)) with the same noise draws, computed by hand."""
    log, ref, real, _, fake_d = step_and_replay()
    z_g = ref.noise_fn(num_batches=2)
    fake_g = ref.generator(z_g)
    assert log['recon_real'].item() == pytest.approx(l1(real, ref).item(), rel=1e-5)
    assert log['loss_disc'].item() == pytest.approx((l1(real, ref) - 0.25 * l1(fake_d, ref)).item(), rel=1e-5)
    assert log['recon_fake'].item() == pytest.approx(l1(fake_g, ref).item(), rel=1e-5)
    assert log['recon_fake_disc'].item() == pytest.approx(l1(fake_d, ref).item(), rel=1e-5)


def test_l2_norm():
    model = make_model(recon_norm='l2')
    x = torch.ones(1, 3, 16, 16)
    assert model.recon_error(x, torch.zeros_like(x) + 3).item() == pytest.approx(4.0)


def test_generator_gradient_flows_through_target_and_reconstruction():
    model = make_model()
    fake = model.generator(model.noise_fn(num_batches=2))
    loss = model.recon_error(fake, model.discriminator(fake))
    grad_full = torch.autograd.grad(loss, fake, retain_graph=True)[0]
    grad_target_only = torch.autograd.grad(model.recon_error(fake, model.discriminator(fake).detach()), fake)[0]
    assert not torch.allclose(grad_full, grad_target_only)  # the path through D(G(z)) contributes
    g_params = list(model.generator.parameters())
    grads = torch.autograd.grad(loss, g_params)
    assert all(g is not None and g.abs().sum() > 0 for g in grads)


@pytest.mark.parametrize('mode', ['alternating', 'simultaneous'])
def test_discriminator_gets_no_gradient_from_generator_loss(mode):
    """Run a step with the generator's lr at 0 and D's lr at 1: D must move exactly by −∇L_D."""
    model = make_model(update_mode=mode, k_init=0.5)
    MessageHub.get_current_instance().update_info('iter', 0)
    ref = copy.deepcopy(model)
    optim = OptimWrapperDict(generator=OptimWrapper(SGD(model.generator.parameters(), lr=0.0)),
                             discriminator=OptimWrapper(SGD(model.discriminator.parameters(), lr=1.0)))
    data = batch()
    torch.manual_seed(3)
    model.train_step(data, optim)
    torch.manual_seed(3)
    real = ref.data_preprocessor(data, True)['data_samples'].gt_img
    fake_d = ref.generator(ref.noise_fn(num_batches=2)).detach()
    loss_d = l1(real, ref) - 0.5 * l1(fake_d, ref)
    grads = torch.autograd.grad(loss_d, list(ref.discriminator.parameters()))
    for p_new, p_old, g in zip(model.discriminator.parameters(), ref.discriminator.parameters(), grads):
        assert torch.allclose(p_new, p_old - g, atol=1e-6)
    for p_new, p_old in zip(model.generator.parameters(), ref.generator.parameters()):
        assert torch.equal(p_new, p_old)


def test_simultaneous_gradients_equal_separate_autograd():
    """One D forward serves both losses; gradients equal autograd of L_D (D params) and L_G (G params) taken
    separately with the same, not-yet-updated D."""
    model = make_model(update_mode='simultaneous', k_init=0.4)
    MessageHub.get_current_instance().update_info('iter', 0)
    ref = copy.deepcopy(model)
    optim = make_optim(model, lr=1.0)
    data = batch()
    torch.manual_seed(11)
    log = model.train_step(data, optim)
    torch.manual_seed(11)
    real = ref.data_preprocessor(data, True)['data_samples'].gt_img
    fake = ref.generator(ref.noise_fn(num_batches=2))
    loss_d = l1(real, ref) - 0.4 * l1(fake.detach(), ref)
    loss_g = l1(fake, ref)
    grads_d = torch.autograd.grad(loss_d, list(ref.discriminator.parameters()))
    grads_g = torch.autograd.grad(loss_g, list(ref.generator.parameters()))
    for p_new, p_old, g in zip(model.discriminator.parameters(), ref.discriminator.parameters(), grads_d):
        assert torch.allclose(p_new, p_old - g, atol=1e-6)
    for p_new, p_old, g in zip(model.generator.parameters(), ref.generator.parameters(), grads_g):
        assert torch.allclose(p_new, p_old - g, atol=1e-6)
    assert log['recon_fake'].item() == pytest.approx(loss_g.item(), rel=1e-5)


@pytest.mark.parametrize('mode', ['alternating', 'simultaneous'])
def test_ema_generator(mode):
    model = make_model(update_mode=mode, ema_config=dict(momentum=0.5, start_iter=1))
    optim = make_optim(model)
    hub = MessageHub.get_current_instance()
    for it in range(3):
        hub.update_info('iter', it)
        model.train_step(batch(seed=it), optim)
    ema_w = model.generator_ema.module.decoder.fc.weight
    assert not torch.equal(ema_w, model.generator.decoder.fc.weight)
    out = model(dict(num_batches=2, sample_model='ema/orig'))
    assert out[0].ema.fake_img.shape == (3, 16, 16) and out[0].orig.fake_img.shape == (3, 16, 16)


def test_noise_is_uniform_everywhere():
    model = make_model()
    noise = model.noise_fn(num_batches=4096)
    assert noise.min() >= -1 and noise.max() <= 1 and abs(noise.var().item() - 1 / 3) < 0.01
    out = model(dict(num_batches=64))
    sampled = torch.stack([sample.noise for sample in out])
    assert sampled.min() >= -1 and sampled.max() <= 1 and sampled.min() < -0.5


def test_training_without_hook_is_an_error():
    model = BEGAN(GEN, DISC, data_preprocessor=DataPreprocessor())
    MessageHub.get_current_instance().update_info('iter', 0)
    with pytest.raises(RuntimeError, match='BEGANEquilibriumHook'):
        model.train_step(batch(), make_optim(model))


def test_channel_mismatch_is_named():
    model = make_model()
    MessageHub.get_current_instance().update_info('iter', 0)
    data = dict(inputs=dict(), data_samples=[DataSample(gt_img=torch.rand(1, 16, 16) * 255) for _ in range(2)])
    with pytest.raises(ValueError, match=r'real images have shape \(1, 16, 16\).*generator makes \(3, 16, 16\)'):
        model.train_step(data, make_optim(model))


@pytest.mark.parametrize('kwargs,match', [
    (dict(gamma=0.0), r'gamma must be a finite number in \(0.0, 1.0\]'),
    (dict(gamma=1.5), 'gamma'),
    (dict(gamma=float('nan')), 'gamma'),
    (dict(lambda_k=-1e-3), 'lambda_k'),
    (dict(k_init=2.0), 'k_init'),
    (dict(recon_norm='l3'), 'recon_norm'),
    (dict(update_mode='parallel'), 'update_mode'),
    (dict(discriminator_steps=0), r'discriminator_steps must be an integer >= 1, got 0'),
    (dict(generator_steps=1.5), 'generator_steps'),
    (dict(discriminator_steps=True), 'discriminator_steps'),
    (dict(discriminator_steps=2, update_mode='simultaneous'), 'discriminator_steps=2 needs update_mode="alternating"'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BEGAN(GEN, DISC, data_preprocessor=DataPreprocessor(), **kwargs)


def test_channels_last_gives_the_same_step():
    """The channels-last layout is a speed option: one training step matches the default layout."""
    results = []
    for channels_last in (False, True):
        torch.manual_seed(0)
        model = make_model(channels_last=channels_last)
        MessageHub.get_current_instance().update_info('iter', 0)
        torch.manual_seed(1)
        log = model.train_step(batch(), make_optim(model))
        results.append((log, model.generator.decoder.conv_out.weight.detach().clone()))
    (log_a, w_a), (log_b, w_b) = results
    assert torch.allclose(w_a, w_b, atol=1e-5)
    assert model.generator.decoder.conv_out.weight.is_contiguous(memory_format=torch.channels_last)
    for key in log_a:
        assert log_a[key].item() == pytest.approx(log_b[key].item(), rel=1e-4, abs=1e-6)


def test_latent_constraint_enters_l_d_only():
    """BEGAN-CS: L_D gains α·mean|Enc(G(z_D)) − z_D| (computed by hand); L_G and L(x) are unchanged."""
    log, ref, real, z_d, fake_d = step_and_replay(latent_constraint=0.5)
    latent = 0.5 * (ref.discriminator.encoder(fake_d) - z_d).abs().mean()
    expected = l1(real, ref) - 0.25 * l1(fake_d, ref) + latent
    assert log['loss_latent'].item() == pytest.approx(latent.item(), rel=1e-5)
    assert log['loss_disc'].item() == pytest.approx(expected.item(), rel=1e-5)
    assert log['loss_gen'] == log['recon_fake']


def test_latent_constraint_needs_matching_code_sizes():
    with pytest.raises(ValueError, match=r'embedding size \(Nh = 6\) to equal the noise size \(Nz = 8\)'):
        BEGAN(GEN, dict(DISC, embedding_size=6), data_preprocessor=DataPreprocessor(), latent_constraint=0.1)


def test_pull_away_term_by_hand_and_in_l_g():
    from mmbegan.models.began import pull_away_term
    codes = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    # cos² of the pairs: (1,2) 0, (1,3) 1/2, (2,3) 1/2; mean over the 6 ordered pairs = 2 / 6
    assert pull_away_term(codes).item() == pytest.approx(1 / 3)
    assert pull_away_term(torch.ones(4, 3)).item() == pytest.approx(1.0)  # identical codes: maximal
    model = make_model(pull_away=0.2)
    MessageHub.get_current_instance().update_info('iter', 0)
    log = model.train_step(batch(), make_optim(model, lr=0.0))
    assert 0 < log['loss_pull_away'].item() <= 0.2
    assert log['loss_gen'].item() == pytest.approx((log['recon_fake'] + log['loss_pull_away']).item(), rel=1e-6)
    with pytest.raises(ValueError, match='pull_away needs update_mode="alternating"'):
        make_model(pull_away=0.1, update_mode='simultaneous')


def test_discriminator_steps_follow_base_gan():
    """discriminator_steps=2: D trains every iteration, G (and its EMA) every second one, as in mmagic's BaseGAN;
    a D-only iteration reports the D step's L(G(z_D)) for k_t's controller."""
    model = make_model(discriminator_steps=2, ema_config=dict(momentum=0.5, start_iter=0))
    optim = make_optim(model)
    hub = MessageHub.get_current_instance()
    for it in range(4):
        hub.update_info('iter', it)
        disc_before = copy.deepcopy(model.discriminator.state_dict())
        gen_before = copy.deepcopy(model.generator.state_dict())
        ema_before = copy.deepcopy(model.generator_ema.state_dict())
        log = model.train_step(batch(seed=it), optim)
        g_step = it % 2 == 1
        assert ('recon_fake' in log) == g_step and ('loss_gen' in log) == g_step
        assert 'recon_fake_disc' in log and 'recon_real' in log
        moved = dict(D=changed(disc_before, model.discriminator), G=changed(gen_before, model.generator),
                     EMA=changed(ema_before, model.generator_ema))
        assert moved == dict(D=True, G=g_step, EMA=g_step)


def changed(state_before: dict, net: torch.nn.Module) -> bool:
    return not all(torch.equal(before, now) for before, now in zip(state_before.values(), net.state_dict().values()))


def test_generator_steps_train_g_several_times(monkeypatch):
    model = make_model(generator_steps=3)
    train_generator = model.train_generator
    calls = []

    def counted_train_generator(*args, **kwargs):
        calls.append(1)
        return train_generator(*args, **kwargs)

    monkeypatch.setattr(model, 'train_generator', counted_train_generator)
    MessageHub.get_current_instance().update_info('iter', 0)
    log = model.train_step(batch(), make_optim(model))
    assert len(calls) == 3 and 'recon_fake' in log
