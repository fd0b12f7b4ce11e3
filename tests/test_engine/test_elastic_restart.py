"""torchrun's elastic restart: a restarted job resumes the newest complete checkpoint it wrote and ends as an
uninterrupted run; a fresh run never resumes on its own."""
import os
import subprocess
import time

import pytest
import torch
from mmengine.config import Config

from mmbegan.apis import choose_start
from mmbegan.engine import elastic_restart
from tests.helpers import FASHION_CFG, PYTHON, REPO, tiny_config_file, write_images
from tests.test_engine.test_distributed import free_port
from tools.analysis_tools.chaos_test import checkpoint_differences

STARTED = 1_000_000.0  # the torchrun agent's start, as launcher_start_time reports it in these tests


def write_checkpoint(path, written_at: float, truncate: bool = False) -> None:
    torch.save(dict(meta=dict(iter=1), state_dict={'w': torch.zeros(100)}), path)
    if truncate:
        path.write_bytes(path.read_bytes()[:200])
    os.utime(path, (written_at, written_at))


@pytest.fixture
def work_dir(tmp_path, monkeypatch):
    """iter_2 from an earlier run, iter_4 and a truncated iter_6 from this job; last_checkpoint names iter_6."""
    monkeypatch.setattr(elastic_restart, 'launcher_start_time', lambda: STARTED)
    write_checkpoint(tmp_path / 'iter_2.pth', STARTED - 60)
    write_checkpoint(tmp_path / 'iter_4.pth', STARTED + 10)
    write_checkpoint(tmp_path / 'iter_6.pth', STARTED + 20, truncate=True)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_6.pth'))
    return tmp_path


def test_a_fresh_run_does_not_resume_an_old_work_dir(work_dir, monkeypatch):
    monkeypatch.delenv('TORCHELASTIC_RESTART_COUNT', raising=False)
    cfg = Config(dict(work_dir=str(work_dir)))
    line = choose_start(cfg, None)
    assert not cfg.get('resume') and not cfg.get('load_from')
    assert line.startswith('start of training: starting from scratch') and 'pass --resume' in line


def test_a_restart_resumes_the_newest_complete_checkpoint_of_this_job(work_dir, monkeypatch):
    monkeypatch.setenv('TORCHELASTIC_RESTART_COUNT', '1')
    cfg = Config(dict(work_dir=str(work_dir)))
    line = choose_start(cfg, None)
    assert cfg.resume and cfg.load_from == str(work_dir / 'iter_4.pth')  # iter_6 truncated
    assert line == f'torchrun restart 1: resuming from {work_dir / "iter_4.pth"}, the newest complete checkpoint ' \
                   'this job wrote'


def test_a_restart_before_the_first_checkpoint_starts_as_the_first_attempt(work_dir, monkeypatch):
    monkeypatch.setenv('TORCHELASTIC_RESTART_COUNT', '2')
    for name in ('iter_4.pth', 'iter_6.pth'):
        os.utime(work_dir / name, (STARTED - 30, STARTED - 30))  # all from an earlier run now
    cfg = Config(dict(work_dir=str(work_dir)))
    line = choose_start(cfg, None)
    assert not cfg.get('resume') and not cfg.get('load_from')  # never an earlier run's checkpoint
    assert line == (f'torchrun restart 2: this job has written no complete checkpoint in {work_dir} yet; starting '
                    'from scratch, as the first attempt did')
    resumed = Config(dict(work_dir=str(work_dir)))
    choose_start(resumed, str(work_dir / 'iter_2.pth'))  # the first attempt had --resume iter_2.pth
    assert resumed.resume and resumed.load_from == str(work_dir / 'iter_2.pth')


def test_launcher_start_time_is_the_parent_process_start(monkeypatch):
    # a child process stands in for the torchrun agent; with /proc/stat's whole-second btime it came out up to 1 s
    # early, so the previous launch's last checkpoint could pass for this job's
    before = time.time()
    agent = subprocess.Popen(['sleep', '30'])
    after = time.time()
    try:
        monkeypatch.setattr(elastic_restart.os, 'getppid', lambda: agent.pid)
        started = elastic_restart.launcher_start_time()
    finally:
        agent.kill()
        agent.wait()
    assert before - 0.03 <= started <= after + 0.03, (before, started, after)


# the recipe's batch-norm generator; EMA and the discriminator's vanishing residual move in a few iterations
EXTRA = """
model = dict(ema_config=dict(momentum=0.5), discriminator=dict(vanishing_residual_iters=10))
"""
KILL = """
custom_imports = dict(imports=['mmbegan', 'tests.kill_once_hook'], allow_failed_imports=False)
custom_hooks = custom_hooks + [dict(type='KillOnceHook', iteration=6, rank=1)]
"""


def dist_train(cfg: str, work, max_restarts: int) -> str:
    env = dict(os.environ, OMP_NUM_THREADS='1', PORT=str(free_port()), PYTHON=PYTHON, MAX_RESTARTS=str(max_restarts))
    proc = subprocess.run(['bash', 'tools/dist_train.sh', cfg, '2', '--work-dir', str(work)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-5000:]
    return output


@pytest.mark.integration
def test_a_killed_rank_is_restarted_and_the_run_ends_as_an_uninterrupted_one(tmp_path):
    data = write_images(tmp_path / 'data', 16, 28, channels=1)
    straight = tiny_config_file(tmp_path, FASHION_CFG, data, max_iters=8, extra=EXTRA)  # checkpoints at 4 and 8
    killed = tiny_config_file(tmp_path, FASHION_CFG, data, max_iters=8, extra=EXTRA + KILL)
    dist_train(straight, tmp_path / 'straight', max_restarts=0)
    output = dist_train(killed, tmp_path / 'killed', max_restarts=1)
    assert 'exitcode: -9' in output  # rank 1 was SIGKILLed, torchrun restarted the job once
    resumed = str(tmp_path / 'killed' / 'iter_4.pth')
    assert f'torchrun restart 1: resuming from {resumed}, the newest complete checkpoint this job wrote' in output
    assert 'resumed epoch: 0, iter: 4' in output
    final = checkpoint_differences(str(tmp_path / 'killed' / 'iter_8.pth'), str(tmp_path / 'straight' / 'iter_8.pth'))
    assert final == []  # weights, k_t, EMA, optimizer states, lr-decay state, both ranks' RNG states
    state = torch.load(tmp_path / 'killed' / 'iter_8.pth')
    assert {'state_dict', 'optimizer', 'rng_states'} <= state.keys() and len(state['rng_states']) == 2
    assert state['state_dict']['k_t'].item() > 0
