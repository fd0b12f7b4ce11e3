"""ResumableParamSchedulerHook: a resumed schedule keeps its progress and takes this launch's extent."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.optim import LinearLR, MultiStepLR

from mmbegan.engine.hooks import ResumableParamSchedulerHook


class ListLogger:
    def __init__(self) -> None:
        self.messages = []

    def info(self, message: str) -> None:
        self.messages.append(message)


def linear_decay(end: int) -> LinearLR:
    """lr 1 → 0 linearly from step 0 to ``end - 1`` (mmengine derives ``total_iters`` = end - 1 from ``end``)."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    return LinearLR(optimizer, start_factor=1.0, end_factor=0.0, begin=0, end=end, by_epoch=False)


def halving_at_4(end: int) -> MultiStepLR:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    return MultiStepLR(optimizer, milestones=[4], gamma=0.5, begin=0, end=end, by_epoch=False)


def resume(build, first_end: int, resumed_end: int, steps: int, hook: bool):
    """A schedule first built for ``first_end`` steps and stepped ``steps`` times, resumed into one built for
    ``resumed_end`` as mmengine's Runner.resume does (the hook sees the checkpoint, the state and the optimizer's
    lr are loaded, training starts)."""
    first = build(first_end)
    lr_after(first, steps)
    resumed = build(resumed_end)
    checkpoint = dict(param_schedulers=[first.state_dict()])
    runner = SimpleNamespace(param_schedulers=[resumed], logger=ListLogger(), _resume=True)
    resumable = ResumableParamSchedulerHook()
    if hook:
        resumable.after_load_checkpoint(runner, checkpoint)
    resumed.load_state_dict(checkpoint['param_schedulers'][0])
    resumed.optimizer.param_groups[0]['lr'] = first.optimizer.param_groups[0]['lr']
    resumable.before_train(runner)
    return resumed


def lr_after(scheduler, step: int) -> float:
    """The lr after stepping on from the scheduler's step count to ``step`` (optimizer first, as in training)."""
    for _ in range(step - scheduler._global_step):
        scheduler.optimizer.step()
        scheduler.step()
    return scheduler.optimizer.param_groups[0]['lr']


def test_resumed_schedule_spans_this_launchs_end():
    resumed = resume(linear_decay, first_end=10, resumed_end=20, steps=4, hook=True)
    assert (resumed.end, resumed.total_iters, resumed.last_step) == (20, 19, 4)
    assert lr_after(resumed, 10) > 0.1
    assert lr_after(resumed, 19) == pytest.approx(0.0, abs=1e-9)


def test_without_the_hook_the_first_launchs_end_stays():
    resumed = resume(linear_decay, first_end=10, resumed_end=20, steps=4, hook=False)
    assert (resumed.end, resumed.total_iters) == (10, 9)
    assert lr_after(resumed, 12) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize('first_end', [4, 3])
def test_steps_past_the_first_launchs_end_are_applied(first_end):
    """A first launch that ran to (or past) its end stepped outside it: its milestone at step 4 never applied. The
    resumed schedule catches up and matches the uninterrupted one step for step."""
    resumed = resume(halving_at_4, first_end=first_end, resumed_end=20, steps=4, hook=True)
    straight = halving_at_4(20)
    lr_after(straight, 4)
    assert (resumed.last_step, resumed.optimizer.param_groups[0]['lr']) == (4, 0.5)
    assert [lr_after(resumed, step) for step in range(5, 8)] == [lr_after(straight, step) for step in range(5, 8)]


def test_each_optimizers_schedulers_are_matched_and_changes_logged():
    """A GAN's schedulers (one list per optimizer): milestones are the checkpoint's, extents this launch's."""
    params = {name: torch.nn.Parameter(torch.zeros(1)) for name in ('generator', 'discriminator')}
    built = {name: [MultiStepLR(torch.optim.SGD([p], lr=1.0), milestones=[5], end=20, by_epoch=False)]
             for name, p in params.items()}
    saved = {name: [dict(schedulers[0].state_dict(), end=8, milestones={7: 1})] for name, schedulers in built.items()}
    runner = SimpleNamespace(param_schedulers=built, logger=ListLogger(), _resume=True)
    ResumableParamSchedulerHook().after_load_checkpoint(runner, dict(param_schedulers=saved))
    assert all(states[0]['end'] == 20 and states[0]['milestones'] == {7: 1} for states in saved.values())
    assert len(runner.logger.messages) == 2 and 'end 8 in the checkpoint, 20' in runner.logger.messages[0]


@pytest.mark.parametrize('resume', [True, False], ids=['not built yet', 'load_from'])
def test_schedulers_not_resumed_are_left_alone(resume):
    """Schedulers that are still configs (test and validation runs), or a checkpoint loaded without ``--resume``:
    nothing changes."""
    saved = dict(generator=[dict(end=8)])
    built = dict(type='MultiStepLR', milestones=[5]) if resume else dict(generator=[halving_at_4(20)])
    runner = SimpleNamespace(param_schedulers=built, logger=ListLogger(), _resume=resume)
    ResumableParamSchedulerHook().after_load_checkpoint(runner, dict(param_schedulers=saved))
    assert saved == dict(generator=[dict(end=8)]) and not runner.logger.messages
