"""ResumableCheckpointHook: CheckpointHook's own schedule plus the iteration a run stops; a failed save keeps the
last good checkpoint."""
import os.path as osp
from types import SimpleNamespace

import pytest
from mmengine.fileio import register_backend
from mmengine.runner import Runner

from mmbegan.engine import AtomicLocalBackend, ResumableCheckpointHook
from tests.helpers import FASHION_CFG, tiny_cfg


def fake_runner(hook, i, max_iters, stop=False):
    """A stand-in runner at 1-based iteration ``i`` whose only hook is ``hook``."""
    return SimpleNamespace(iter=i - 1, max_iters=max_iters, hooks=[hook], logger=SimpleNamespace(info=print),
                           train_loop=SimpleNamespace(stop_training=stop))


def saved_iterations(hook, max_iters, stop_at=None):
    """The 1-based iterations at which ``hook`` says it saves, and those at which it does save."""
    said, saved = [], []
    hook._save_checkpoint = lambda runner: saved.append(runner.iter + 1)
    for i in range(1, max_iters + 1):
        runner = fake_runner(hook, i, max_iters, stop=i == stop_at)
        if hook.saves_at_this_iter(runner):
            said.append(i)
        hook.after_train_iter(runner, i - 1)
    return said, saved


@pytest.mark.parametrize('kwargs, expected', [
    (dict(interval=2), [2, 4, 6, 7]),  # the last iteration too (save_last defaults to True)
    (dict(interval=2, save_begin=1), [1, 3, 5, 7]),  # counted from save_begin: not at 2, 4, 6
    (dict(interval=2, save_begin=100), [7]),  # nothing before save_begin but the last iteration
    (dict(interval=2, save_last=False), [2, 4, 6]),
    (dict(interval=3, save_begin=2, save_last=False), [2, 5]),
])
def test_schedule_is_checkpoint_hooks_own(kwargs, expected):
    said, saved = saved_iterations(ResumableCheckpointHook(by_epoch=False, **kwargs), 7)
    assert said == saved == expected


def test_a_stopped_run_saves_where_it_stops():
    """SIGTERM at iteration 4 with save_begin=100: the run stops with a checkpoint of iteration 4."""
    said, saved = saved_iterations(ResumableCheckpointHook(by_epoch=False, interval=2, save_begin=100), 7, stop_at=4)
    assert said == saved == [4, 7]


@register_backend('failing_local', force=True)
class FailingLocalBackend(AtomicLocalBackend):
    """Test-only storage: the write of the file named ``fail_on`` fails as a full disk does."""

    def __init__(self, fail_on: str = ''):
        super().__init__()
        self.fail_on = fail_on

    def put(self, obj: bytes, filepath) -> None:
        if osp.basename(str(filepath)) == self.fail_on:
            raise OSError(28, 'No space left on device')
        super().put(obj, filepath)


@pytest.mark.integration
def test_a_failed_save_keeps_the_last_good_checkpoint(tmp_path, image_folder):
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, max_iters=4, vis_interval=100)
    cfg.default_hooks.checkpoint.update(interval=1, max_keep_ckpts=1,
                                        backend_args=dict(backend='failing_local', fail_on='iter_3.pth'))
    runner = Runner.from_cfg(cfg)
    with pytest.raises(RuntimeError, match=r'iter_3\.pth failed \(OSError: .*No space left.*unchanged'):
        runner.train()
    work = tmp_path / 'work'
    assert sorted(p.name for p in work.glob('*.pth')) == ['iter_2.pth']  # the outdated iter_1 went after iter_2
    assert (work / 'last_checkpoint').read_text().strip().endswith('iter_2.pth')
