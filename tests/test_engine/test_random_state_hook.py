"""RandomStateHook: RNG states are gathered exactly at the checkpoint hook's saves and restored on resume only."""
import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from mmbegan.engine import RandomStateHook, ResumableCheckpointHook
from mmbegan.engine.hooks.random_state_hook import CHECKPOINT_KEY


def test_states_are_captured_at_the_saves_only():
    checkpoint_hook = ResumableCheckpointHook(by_epoch=False, interval=2, save_begin=1)  # saves at 1, 3, 5, 6
    hook = RandomStateHook()
    runner = SimpleNamespace(hooks=[checkpoint_hook], max_iters=6, train_loop=SimpleNamespace(stop_training=False))
    hook.before_train(runner)
    captured = []
    hook.capture = lambda: captured.append(runner.iter + 1)
    for i in range(6):
        runner.iter = i
        hook.after_train_iter(runner, i)
    assert captured == [1, 3, 5, 6]


def test_a_run_without_the_resumable_checkpoint_hook_is_refused():
    with pytest.raises(TypeError, match='ResumableCheckpointHook'):
        RandomStateHook().before_train(SimpleNamespace(hooks=[]))


def test_resume_restores_the_saved_states_and_load_from_does_not():
    hook = RandomStateHook()
    torch.manual_seed(1), np.random.seed(1), random.seed(1)
    hook.capture()
    checkpoint = {}
    hook.before_save_checkpoint(None, checkpoint)
    expected = (torch.rand(1), np.random.rand(), random.random())
    fresh = RandomStateHook()
    fresh.after_load_checkpoint(SimpleNamespace(_resume=False), checkpoint)
    fresh.before_train_iter(None, 0)
    assert fresh.resumed is None
    fresh.after_load_checkpoint(SimpleNamespace(_resume=True), checkpoint)
    fresh.before_train_iter(None, 0)
    assert (torch.rand(1), np.random.rand(), random.random()) == expected
    assert len(checkpoint[CHECKPOINT_KEY]) == 1
