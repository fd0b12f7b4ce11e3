"""A run of 2N iterations equals N iterations + --resume N: weights, k_t, optimizer, lr decay, carry, EMA."""
import pytest
import torch
from mmengine.runner import Runner

from tests.helpers import FASHION_CFG, tiny_cfg

# vanishing residuals and EMA on, a fast lr-decay window, so every piece of state moves in a few iterations
EXTRA = """
model = dict(generator=dict(vanishing_residual_iters=10), discriminator=dict(vanishing_residual_iters=10),
             ema_config=dict(momentum=0.5))
optim_wrapper = dict(generator=dict(optimizer=dict(lr=1e-3)), discriminator=dict(optimizer=dict(lr=1e-3)))
"""
N = 3


def run(work_dir, data_root, max_iters, resume=False):
    cfg = tiny_cfg(FASHION_CFG, work_dir, data_root, max_iters=max_iters, vis_interval=100, extra=EXTRA)
    cfg.default_hooks.checkpoint.interval = N
    cfg.resume = resume
    runner = Runner.from_cfg(cfg)
    runner.train()
    hook = next(h for h in runner.hooks if type(h).__name__ == 'MGlobalPlateauHook')
    return runner, hook


def assert_same(a, b, path=''):
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            assert_same(a[key], b[key], f'{path}.{key}')
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f'{path}[{i}]')
    else:
        assert a == b, path


@pytest.mark.integration
def test_resume_is_exact(tmp_path, image_folder):
    straight, straight_hook = run(tmp_path / 'straight', image_folder, 2 * N)
    run(tmp_path / 'split', image_folder, N)
    resumed, resumed_hook = run(tmp_path / 'split', image_folder, 2 * N, resume=True)
    assert resumed.iter == 2 * N
    state_a, state_b = straight.model.state_dict(), resumed.model.state_dict()
    assert 'k_t' in state_a and 'generator.carry' in state_a and any('generator_ema' in k for k in state_a)
    assert 0 < state_a['generator.carry'].item() < 1
    assert_same(state_a, state_b, 'model')
    assert_same(straight.optim_wrapper.state_dict(), resumed.optim_wrapper.state_dict(), 'optimizer')
    assert_same(straight_hook.state_dict(), resumed_hook.state_dict(), 'lr decay')
    assert straight_hook.schedulers['generator'].last_step > 0  # the plateau detector has seen windows


@pytest.mark.integration
def test_load_from_restores_weights_and_k_t_not_the_iteration(tmp_path, image_folder):
    source, _ = run(tmp_path / 'source', image_folder, N)
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'finetune', image_folder, max_iters=1, extra=EXTRA)
    cfg.load_from = str(tmp_path / 'source' / f'iter_{N}.pth')
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    assert runner.iter == 0
    assert runner.model.k_t.item() == source.model.k_t.item() != 0
    assert torch.equal(runner.model.generator.decoder.fc.weight, source.model.generator.decoder.fc.weight)
