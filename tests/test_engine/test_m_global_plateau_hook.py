"""MGlobalPlateauHook: lr decay on an M_global stall with its floor, its state, and checkpoints from before it."""
import pytest
from mmengine.optim import OptimWrapperDict

from mmbegan.engine import BEGANEquilibriumHook, MGlobalPlateauHook
from tests.test_engine.test_began_equilibrium_hook import make_runner, step


def started(runner, **kwargs):
    """The k_t hook and a plateau hook with ``kwargs``, both started as a training run starts them."""
    equilibrium, plateau = BEGANEquilibriumHook(), MGlobalPlateauHook(**kwargs)
    plateau.before_run(runner)
    equilibrium.before_train(runner)
    return [equilibrium, plateau]


def test_lr_halves_on_stall_with_floor_and_keeps_optimizer(tmp_path):
    runner = make_runner(tmp_path, lr=0.1)
    sgd = runner.optim_wrapper['generator'].optimizer
    hooks = started(runner, window=2, patience=1, factor=0.5, min_lr=0.03)
    lrs = []
    for _ in range(8):  # 4 windows of constant M_global: best, stall 1, stall 2 → decay, ...
        step(hooks, runner, recon_real=0.4, recon_fake=0.2)
        lrs.append(sgd.param_groups[0]['lr'])
    assert lrs[:5] == [0.1] * 5 and lrs[5] == pytest.approx(0.05)
    assert runner.optim_wrapper['discriminator'].optimizer.param_groups[0]['lr'] == pytest.approx(0.05)
    for _ in range(12):
        step(hooks, runner, recon_real=0.4, recon_fake=0.2)
    assert sgd.param_groups[0]['lr'] == pytest.approx(0.03)  # floor
    assert runner.optim_wrapper['generator'].optimizer is sgd


@pytest.mark.parametrize('key', ['m_global_plateau', 'began_equilibrium'])  # the latter: checkpoints before the split
def test_state_round_trip_on_resume_only(tmp_path, key):
    runner = make_runner(tmp_path)
    hooks = started(runner, window=3, patience=2)
    for value in (0.5, 0.4, 0.3, 0.3, 0.3):
        step(hooks, runner, recon_real=value, recon_fake=0.1)
    checkpoint = {}
    hooks[1].before_save_checkpoint(runner, checkpoint)
    state = checkpoint.pop('m_global_plateau')
    assert state['window_count'] == 2 and state['schedulers']['generator']['best'] < float('inf')
    checkpoint[key] = state
    restored = MGlobalPlateauHook(window=3, patience=2)
    restored.before_run(runner)
    runner._resume = True
    restored.after_load_checkpoint(runner, checkpoint)
    assert restored.state_dict() == hooks[1].state_dict()
    fresh = MGlobalPlateauHook(window=3, patience=2)
    fresh.before_run(runner)
    runner._resume = False  # load_from (fine-tuning) starts the decay afresh
    fresh.after_load_checkpoint(runner, checkpoint)
    assert fresh.window_count == 0


def test_test_run_builds_no_detectors_and_missing_k_hook_is_named(tmp_path):
    runner = make_runner(tmp_path)
    runner.optim_wrapper = dict(generator=dict(type='OptimWrapper'))  # a test run: optimizers stay configs
    hook = MGlobalPlateauHook()
    hook.before_run(runner)
    assert hook.schedulers == {}
    runner.optim_wrapper = OptimWrapperDict()
    with pytest.raises(KeyError, match='BEGANEquilibriumHook'):
        hook.after_train_iter(runner, 0)


@pytest.mark.parametrize('kwargs', [dict(window=0), dict(patience=-1), dict(factor=1.5), dict(min_lr=-1.0)])
def test_bad_hook_arguments(kwargs):
    with pytest.raises(ValueError, match='MGlobalPlateauHook'):
        MGlobalPlateauHook(**kwargs)
