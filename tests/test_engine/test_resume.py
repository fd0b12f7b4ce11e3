"""A run of 2N iterations equals N iterations + --resume N: weights, k_t, optimizer, lr decay and schedule, carry,
EMA, the sample grids' noise and the data stream, which the resumed run starts at the saved position instead of
replaying the consumed batches."""
import os
import signal

import pytest
import torch
from mmagic.datasets import BasicImageDataset
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmbegan.engine.runner.resumable_iter_loop import DATA_POSITION_KEY
from tests.helpers import FASHION_CFG, REPO, tiny_cfg, write_images

# BEGAN's generator (the Fashion-MNIST recipe's is mmagic's DCGANGenerator) with vanishing residuals, EMA on, a
# fast lr-decay window, so every piece of state moves in a few iterations
EXTRA = """
model = dict(generator=dict(_delete_=True, type='BEGANGenerator', output_scale=32, out_channels=1, base_channels=4,
                            noise_size=64, num_convs=2, vanishing_residual_iters=10),
             discriminator=dict(base_channels=4, vanishing_residual_iters=10), ema_config=dict(momentum=0.5))
optim_wrapper = dict(generator=dict(optimizer=dict(lr=1e-3)), discriminator=dict(optimizer=dict(lr=1e-3)))
"""
B32_CFG = f'{REPO}/configs/began/began_n48-g512-h128_1xb32-20kiters_fashion-mnist-32x32.py'
N = 3
IMAGES, BATCH = 16, 4  # 4 batches per pass over the data: the resumed half crosses into the second pass


class SigtermAfter(Hook):
    """Send this process SIGTERM after iteration ``iteration`` (1-based), as a cluster pre-empting the job would:
    PreemptionHook then saves a checkpoint and stops the run."""

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), signal.SIGTERM)


def run(work_dir, data_root, max_iters, resume=False, workers=0, loop='ResumableIterBasedTrainLoop',
        sampler='ResumableInfiniteSampler', extra='', preempt_after=None, vis_hook='ResumableVisualizationHook',
        scheduler_hook='ResumableParamSchedulerHook'):
    """Train to ``max_iters``, with sample grids every 2 iterations (in both halves of a split run)."""
    cfg = tiny_cfg(FASHION_CFG, work_dir, data_root, max_iters=max_iters, batch_size=BATCH, vis_interval=2,
                   extra=EXTRA + extra)
    for hook in cfg.custom_hooks:
        if hook.type == 'ResumableVisualizationHook':
            hook.type = vis_hook
    cfg.default_hooks.checkpoint.interval = N
    cfg.default_hooks.param_scheduler.type = scheduler_hook
    cfg.resume = resume
    cfg.train_cfg = dict(type=loop, max_iters=max_iters, val_interval=10 ** 6)
    cfg.train_dataloader.update(num_workers=workers, persistent_workers=workers > 0,
                                sampler=dict(type=sampler, shuffle=True))
    runner = Runner.from_cfg(cfg)
    if preempt_after:
        runner.register_hook(SigtermAfter(preempt_after), 'VERY_HIGH')
    runner.train()
    return runner, plateau_hook(runner)


def plateau_hook(runner):
    return next((h for h in runner.hooks if type(h).__name__ == 'MGlobalPlateauHook'), None)


def state_of(runner, hook) -> dict:
    return dict(model=runner.model.state_dict(), optimizer=runner.optim_wrapper.state_dict(),
                lr_decay=hook and hook.state_dict(), data=runner.message_hub.get_info(DATA_POSITION_KEY))


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


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return write_images(tmp_path_factory.mktemp('imgs'), IMAGES, 28, channels=1)


@pytest.fixture(scope='module')
def straight(tmp_path_factory, data_root):
    """The state after 2N uninterrupted iterations with ``workers`` loader workers (each run once per module)."""
    states = {}

    def state(workers: int) -> dict:
        if workers not in states:
            states[workers] = state_of(*run(tmp_path_factory.mktemp('straight'), data_root, 2 * N, workers=workers))
        return states[workers]
    return state


@pytest.mark.integration
@pytest.mark.parametrize('workers', [0, 2], ids=['main-process', 'persistent-workers'])
def test_resume_is_exact(tmp_path, data_root, straight, workers):
    run(tmp_path, data_root, N, workers=workers)
    resumed, resumed_hook = run(tmp_path, data_root, 2 * N, resume=True, workers=workers)
    assert resumed.iter == 2 * N
    expected = straight(workers)
    assert 'k_t' in expected['model'] and 'generator.carry' in expected['model']
    assert any('generator_ema' in k for k in expected['model'])
    assert 0 < expected['model']['generator.carry'].item() < 1
    assert expected['data']['position'] == 2 * N * BATCH
    assert_same(expected, state_of(resumed, resumed_hook))
    assert resumed_hook.schedulers['generator'].last_step > 0  # the plateau detector has seen windows


@pytest.mark.integration
@pytest.mark.parametrize('vis_hook, exact', [('ResumableVisualizationHook', True), ('VisualizationHook', False)])
def test_grid_noise_survives_resume(tmp_path, data_root, straight, vis_hook, exact):
    """The first grid after a resume reuses the checkpoint's fixed noise; mmagic's own hook draws it again from the
    training RNG, and the resumed run then leaves the uninterrupted run's path."""
    run(tmp_path, data_root, N, vis_hook=vis_hook)
    resumed = state_of(*run(tmp_path, data_root, 2 * N, resume=True, vis_hook=vis_hook))
    if exact:
        assert_same(straight(0), resumed)
    else:
        with pytest.raises(AssertionError):
            assert_same(straight(0)['model'], resumed['model'])


@pytest.mark.integration
def test_resume_is_exact_with_discriminator_steps(tmp_path, data_root):
    """discriminator_steps=2: the checkpoint after iteration N = 3 follows a D-only iteration; the resumed run
    keeps BaseGAN's schedule (G trains at iterations 4 and 6) and ends where the straight run does."""
    extra = 'model.update(discriminator_steps=2)\n'
    expected = state_of(*run(tmp_path / 'straight', data_root, 2 * N, extra=extra))
    run(tmp_path / 'split', data_root, N, extra=extra)
    resumed = run(tmp_path / 'split', data_root, 2 * N, resume=True, extra=extra)
    assert resumed[0].model.discriminator_steps == 2
    assert_same(expected, state_of(*resumed))


def halving_run(work_dir, data_root, first_launch: str, scheduler_hook: str, extra: str):
    """The split run of the schedule tests: a first launch that stops at N (pre-empted, or a shorter ``max_iters``),
    then ``--resume`` to 2N; returns both runners."""
    hooks = dict(extra=extra, scheduler_hook=scheduler_hook)
    if first_launch == 'preempted':
        first_half, _ = run(work_dir, data_root, 2 * N, preempt_after=N, **hooks)
    else:
        first_half, _ = run(work_dir, data_root, N, **hooks)
    assert first_half.iter == N
    return first_half, run(work_dir, data_root, 2 * N, resume=True, **hooks)[0]


def lrs(runner) -> list:
    return [runner.optim_wrapper[name].param_groups[0]['lr'] for name in ('generator', 'discriminator')]


# the batch-32 recipe's schedule with its milestone moved to N + 1, without the lr-decay hook
HALVING = (f"param_scheduler = {dict(Config.fromfile(B32_CFG).param_scheduler, milestones=[N + 1])!r}\n"
           "custom_hooks = [hook for hook in custom_hooks if hook['type'] != 'MGlobalPlateauHook']\n")


@pytest.mark.integration
@pytest.mark.parametrize('first_launch', ['preempted', 'shorter max_iters'])
def test_step_schedule_halves_both_rates_and_resumes_exactly(tmp_path, data_root, first_launch):
    """The recipe's ``param_scheduler`` applies to G's and D's optimizers; after a first launch that stops before
    the milestone, the resumed run halves both rates and ends where the straight run does."""
    first_half, resumed = halving_run(tmp_path / 'split', data_root, first_launch, 'ResumableParamSchedulerHook',
                                      HALVING)
    assert lrs(first_half) == [1e-3, 1e-3] and lrs(resumed) == [5e-4, 5e-4]
    straight = run(tmp_path / 'straight', data_root, 2 * N, extra=HALVING)
    assert_same(state_of(*straight), state_of(resumed, plateau_hook(resumed)))


@pytest.mark.integration
def test_mmengine_scheduler_hook_keeps_the_first_launchs_end(tmp_path, data_root):
    """Why the runtime replaces mmengine's ParamSchedulerHook: with it, the shorter first launch's ``max_iters``
    stays the schedule's end after ``--resume``, and the milestone after it never applies."""
    _, resumed = halving_run(tmp_path, data_root, 'shorter max_iters', 'ParamSchedulerHook', HALVING)
    assert lrs(resumed) == [1e-3, 1e-3]


@pytest.mark.integration
@pytest.mark.parametrize('sampler, loads', [('ResumableInfiniteSampler', N * BATCH),
                                            ('InfiniteSampler', 2 * N * BATCH)])
def test_resume_loads_only_the_batches_it_trains(tmp_path, data_root, monkeypatch, sampler, loads):
    """With ResumableInfiniteSampler nothing is replayed; with another sampler the loop replays as mmengine's."""
    run(tmp_path, data_root, N, sampler=sampler)
    loaded = []
    get_item = BasicImageDataset.__getitem__
    monkeypatch.setattr(BasicImageDataset, '__getitem__', lambda self, idx: loaded.append(idx) or get_item(self, idx))
    run(tmp_path, data_root, 2 * N, resume=True, sampler=sampler)
    assert len(loaded) == loads


@pytest.mark.integration
def test_checkpoint_of_the_replaying_loop_resumes_exactly(tmp_path, data_root, straight):
    """A checkpoint written by mmengine's loop and InfiniteSampler (before the data position was saved) resumes
    where the replay would have put it."""
    run(tmp_path, data_root, N, loop='IterBasedTrainLoop', sampler='InfiniteSampler')
    assert DATA_POSITION_KEY not in torch.load(tmp_path / f'iter_{N}.pth')['message_hub']['runtime_info']
    resumed, resumed_hook = run(tmp_path, data_root, 2 * N, resume=True)
    assert_same(straight(0), state_of(resumed, resumed_hook))


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
