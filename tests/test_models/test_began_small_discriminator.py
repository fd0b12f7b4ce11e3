"""BEGANSmallDiscriminator (Lucic et al.'s BEGAN auto-encoder): shapes, size, initialisation, argument errors."""
import pytest
import torch

from mmbegan.models import BEGANSmallDiscriminator
from tests.test_models.test_began_model import l1, step_and_replay


@pytest.mark.parametrize('scale, channels', [(28, 1), (32, 1), (64, 3)])
def test_reconstructs_images_of_its_shape_in_range(scale, channels):
    disc = BEGANSmallDiscriminator(scale, in_channels=channels, base_channels=8, embedding_size=5)
    images = torch.rand(3, channels, scale, scale) * 2 - 1
    recon, embedding = disc(images, return_embedding=True)
    assert recon.shape == images.shape and embedding.shape == (3, 5)
    assert recon.abs().max() <= 1  # tanh: the [-1, 1] counterpart of their sigmoid


def test_size_at_their_setting():
    """Lucic et al.'s code puts this network at 1.3 M parameters; at 32 px RGB (CIFAR-10): convs 3→64→128 (4×4),
    FC 8192→64, FC 64→8192, transposed convs 128→64→3 (4×4), all with biases."""
    disc = BEGANSmallDiscriminator(32, in_channels=3)
    expected = (16 * 3 * 64 + 64) + (16 * 64 * 128 + 128) + (8192 * 64 + 64) + (64 * 8192 + 8192) + (
        16 * 128 * 64 + 64) + (16 * 64 * 3 + 3)
    assert sum(p.numel() for p in disc.parameters()) == expected and round(expected / 1e6, 1) == 1.3


def test_default_init_is_normal_002_with_zero_bias():
    torch.manual_seed(0)
    disc = BEGANSmallDiscriminator(32, in_channels=1)
    disc.init_weights()
    fc = disc.encoder[4]
    assert abs(fc.weight.std().item() - 0.02) < 1e-3 and fc.weight.mean().abs() < 1e-3
    assert all(not m.bias.any() for m in disc.modules() if hasattr(m, 'bias') and m.bias is not None)


def test_trains_in_began_with_the_latent_constraint():
    """As BEGAN's discriminator: L_D = L(x) − k_t·L(G(z_D)) + BEGAN-CS's term on its bottleneck, computed by hand."""
    small = dict(type='BEGANSmallDiscriminator', input_scale=16, base_channels=4, embedding_size=8)
    log, ref, real, z_d, fake_d = step_and_replay(disc=small, latent_constraint=0.5)
    assert isinstance(ref.discriminator, BEGANSmallDiscriminator)
    latent = 0.5 * (ref.discriminator.encoder(fake_d) - z_d).abs().mean()
    expected = l1(real, ref) - 0.25 * l1(fake_d, ref) + latent
    assert log['loss_latent'].item() == pytest.approx(latent.item(), rel=1e-5)
    assert log['loss_disc'].item() == pytest.approx(expected.item(), rel=1e-5)


@pytest.mark.parametrize('kwargs, match', [
    (dict(input_scale=30), 'input_scale must be a positive multiple of 4, got 30'),
    (dict(input_scale=True), 'input_scale must be a positive multiple of 4'),
    (dict(input_scale=32, in_channels=2), 'in_channels must be 1'),
    (dict(input_scale=32, base_channels=0), 'base_channels must be a positive integer'),
    (dict(input_scale=32, embedding_size=2.5), 'embedding_size must be a positive integer'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BEGANSmallDiscriminator(**kwargs)


def test_rejects_images_of_another_shape():
    disc = BEGANSmallDiscriminator(32, in_channels=1, base_channels=4)
    with pytest.raises(ValueError, match=r'expects images of shape \(N, 1, 32, 32\).*got \(2, 3, 32, 32\)'):
        disc(torch.zeros(2, 3, 32, 32))
