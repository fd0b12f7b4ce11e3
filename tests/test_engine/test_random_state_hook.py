"""checkpoint_due follows CheckpointHook's own schedule, so RNG states and pre-emption saves match its saves."""
from types import SimpleNamespace

import pytest
from mmengine.hooks import CheckpointHook

from mmbegan.engine.hooks.random_state_hook import checkpoint_due


def due_iterations(hook: CheckpointHook, max_iters: int) -> list:
    """The 1-based iterations at which checkpoint_due answers yes for a run with only ``hook``."""
    return [i for i in range(1, max_iters + 1)
            if checkpoint_due(SimpleNamespace(iter=i - 1, max_iters=max_iters, hooks=[hook]))]


@pytest.mark.parametrize('kwargs, expected', [
    (dict(interval=2), [2, 4, 6, 7]),  # the last iteration too (save_last defaults to True)
    (dict(interval=2, save_begin=1), [1, 3, 5, 7]),  # CheckpointHook saves at 1, 3, 5: not at 2, 4, 6
    (dict(interval=2, save_begin=100), [7]),  # nothing before save_begin but the last iteration
    (dict(interval=2, save_last=False), [2, 4, 6]),
    (dict(interval=3, save_begin=2, save_last=False), [2, 5]),
])
def test_checkpoint_due_matches_checkpoint_hook(kwargs, expected):
    hook = CheckpointHook(by_epoch=False, **kwargs)
    assert due_iterations(hook, 7) == expected


def test_checkpoint_due_matches_what_checkpoint_hook_does():
    """Cross-check against CheckpointHook itself: record when its after_train_iter saves."""
    hook = CheckpointHook(by_epoch=False, interval=3, save_begin=2)
    saved = []
    hook._save_checkpoint = lambda runner: saved.append(runner.iter + 1)
    for i in range(1, 10):
        runner = SimpleNamespace(iter=i - 1, max_iters=9, hooks=[hook], logger=SimpleNamespace(info=print))
        hook.after_train_iter(runner, i - 1)
    assert due_iterations(hook, 9) == saved == [2, 5, 8, 9]
