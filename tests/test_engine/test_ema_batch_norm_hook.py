"""EMABatchNormHook: the EMA generator's batch norms get the statistics of its own samples, the trained generator
and the global random state are untouched, and checkpoints carry the re-estimated statistics."""
from types import SimpleNamespace

import pytest
import torch
from mmagic.models import DataPreprocessor
from torch import nn

from mmbegan.engine import EMABatchNormHook
from mmbegan.engine.hooks.ema_batch_norm_hook import EMA_PREFIX, recalibrate_batch_norm
from mmbegan.models import BEGAN

GEN = dict(type='DCGANGenerator', output_scale=16, out_channels=1, base_channels=8, noise_size=8)
DISC = dict(type='BEGANDiscriminator', input_scale=16, in_channels=1, base_channels=4, embedding_size=8)


class NoiseToFeatures(nn.Module):
    """A linear layer and a batch norm: the statistics the batch norm should hold are those of the linear layer's
    outputs."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 5)
        self.norm = nn.BatchNorm1d(5)

    def forward(self, noise, return_noise=False):
        return self.norm(self.linear(noise))


def test_statistics_are_those_of_the_samples_and_the_global_random_state_is_untouched():
    net = NoiseToFeatures()
    net.norm.running_mean.fill_(7.0)
    net.norm.running_var.fill_(9.0)
    torch.manual_seed(5)
    expected_next = torch.rand(3)
    torch.manual_seed(5)
    assert recalibrate_batch_norm(net, lambda n: torch.randn(n, 3), num_samples=96, batch_size=32, seed=1) == 1
    assert torch.equal(torch.rand(3), expected_next)
    torch.manual_seed(1)
    features = torch.cat([net.linear(torch.randn(32, 3)) for _ in range(3)]).detach()
    batch_vars = features.view(3, 32, 5).var(1).mean(0)  # the unbiased variance of each batch, averaged
    assert torch.allclose(net.norm.running_mean, features.mean(0), atol=1e-6)
    assert torch.allclose(net.norm.running_var, batch_vars, atol=1e-5)
    assert net.norm.momentum == 0.1 and net.training


def ema_model() -> BEGAN:
    model = BEGAN(GEN, DISC, data_preprocessor=DataPreprocessor(), ema_config=dict(momentum=0.5, start_iter=0))
    model.init_weights()
    with torch.no_grad():  # weights of the EMA generator unlike the trained one's
        for param in model.generator_ema.module.parameters():
            param.mul_(0.5)
    return model


def ema_buffers(model):
    return {name: buffer.clone() for name, buffer in model.generator_ema.module.named_buffers()}


def test_the_hook_re_estimates_the_ema_generator_only_and_repeats_exactly():
    model = ema_model()
    runner = SimpleNamespace(model=model)
    trained = {name: buffer.clone() for name, buffer in model.generator.named_buffers()}
    before = ema_buffers(model)
    hook = EMABatchNormHook(num_samples=64, batch_size=32)
    hook.before_test(runner)
    first = ema_buffers(model)
    assert any(not torch.equal(first[name], before[name]) for name in first if 'running_var' in name)
    assert all(torch.equal(buffer, trained[name]) for name, buffer in model.generator.named_buffers())
    hook.before_val(runner)
    assert all(torch.equal(buffer, first[name]) for name, buffer in ema_buffers(model).items())


def test_checkpoints_carry_the_re_estimated_statistics():
    model = ema_model()
    checkpoint = dict(state_dict={key: value.clone() for key, value in model.state_dict().items()})
    EMABatchNormHook(num_samples=64, batch_size=32).before_save_checkpoint(SimpleNamespace(model=model), checkpoint)
    for name, buffer in model.generator_ema.module.named_buffers():
        assert torch.equal(checkpoint['state_dict'][EMA_PREFIX + name], buffer)
    assert not torch.equal(checkpoint['state_dict'][EMA_PREFIX + 'noise2feat.bn.running_var'],
                           model.state_dict()['generator.noise2feat.bn.running_var'])


def test_a_model_without_an_ema_generator_and_bad_sizes_are_refused():
    model = BEGAN(GEN, DISC, data_preprocessor=DataPreprocessor())
    with pytest.raises(TypeError, match='EMA generator'):
        EMABatchNormHook().before_test(SimpleNamespace(model=model))
    with pytest.raises(ValueError, match='num_samples'):
        EMABatchNormHook(num_samples=0)
