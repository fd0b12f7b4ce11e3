"""Pre-emption (SIGTERM) saves a resumable checkpoint; checkpoint writes are atomic."""
import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from typing import Optional

import pytest
import rich
import rich.console
import torch
from mmengine.runner import Runner

from mmbegan.engine import PreemptionHook
from mmbegan.engine.fileio import AtomicLocalBackend
from tests.helpers import FASHION_CFG, PYTHON, REPO, tiny_cfg, tiny_config_file, write_images
from tests.sigterm_in_validation_hook import SigtermInValidationHook
from tests.test_engine.test_distributed import free_port
from tests.test_engine.test_resume import assert_same, plateau_hook, state_of

HIDE_CURSOR, SHOW_CURSOR = '\x1b[?25l', '\x1b[?25h'
VALIDATION = """
val_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False,
                      dataset=dict(data_root={root!r}, data_prefix=dict(gt='')))
val_cfg = dict(type='MultiValLoop')
val_evaluator = dict(metrics=[dict(type='SWD', prefix='swd', fake_nums=16, sample_model='orig',
                                   image_shape=(1, 32, 32))])
"""


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / 'iter_1.pth'
    backend = AtomicLocalBackend()
    backend.put(b'complete checkpoint', target)
    assert target.read_bytes() == b'complete checkpoint'

    def crash(fd):
        raise OSError('disk full')

    monkeypatch.setattr(os, 'fsync', crash)
    with pytest.raises(OSError, match='disk full'):
        backend.put(b'half', target)
    assert target.read_bytes() == b'complete checkpoint'
    assert os.listdir(tmp_path) == ['iter_1.pth']  # no temporary file left behind


@pytest.mark.integration
def test_sigterm_saves_checkpoint_and_resume_continues(tmp_path, image_folder):
    cfg = tiny_config_file(tmp_path, FASHION_CFG, image_folder, max_iters=10000)
    work = tmp_path / 'work'
    # no regular checkpoint is due before iteration 100: the SIGTERM one must be written all the same
    proc = subprocess.Popen([PYTHON, 'tools/train.py', cfg, '--work-dir', str(work), '--cfg-options',
                             'default_hooks.checkpoint.interval=2', 'default_hooks.checkpoint.save_begin=100'],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 300
    for line in proc.stdout:
        if 'Iter(train) [    3/10000]' in line or time.time() > deadline:
            break
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode == 143, output[-2000:]
    last = (work / 'last_checkpoint').read_text().strip()
    assert 'SIGTERM: stopping after iteration' in output and os.path.isfile(last)
    saved = torch.load(last)
    saved_iter = saved['meta']['iter']
    assert saved_iter >= 3 and last.endswith(f'iter_{saved_iter}.pth')
    assert len(saved['rng_states']) == 1  # refreshed for this save, so the resume continues the noise stream
    resumed = subprocess.run([PYTHON, 'tools/train.py', cfg, '--work-dir', str(work), '--resume', '--cfg-options',
                              f'train_cfg.max_iters={saved_iter + 2}'], cwd=REPO, capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f'resumed epoch: 0, iter: {saved_iter}' in resumed.stdout + resumed.stderr
    assert (work / f'iter_{saved_iter + 2}.pth').is_file()


@pytest.mark.integration
def test_sigterm_to_the_whole_job_still_saves(tmp_path, image_folder):
    """Slurm's scancel signals every process of the job: the training and validation DataLoader workers too."""
    loader = (f"dict(batch_size=4, num_workers=2, persistent_workers=True, "
              f"dataset=dict(data_root={str(image_folder)!r}, data_prefix=dict(gt='')))")
    extra = f"""
train_dataloader = {loader}
val_dataloader = {loader}
val_cfg = dict(type='MultiValLoop')
val_evaluator = dict(metrics=[dict(type='SWD', prefix='swd', fake_nums=8, sample_model='orig',
                                   image_shape=(1, 32, 32))])
train_cfg = dict(max_iters=10000, val_interval=2)
"""
    cfg = tiny_config_file(tmp_path, FASHION_CFG, image_folder, max_iters=10000, extra=extra)
    work = tmp_path / 'work'
    proc = subprocess.Popen([PYTHON, 'tools/train.py', cfg, '--work-dir', str(work), '--cfg-options',
                             'default_hooks.checkpoint.save_best=None'], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline, output = time.time() + 300, ''
    try:
        for line in proc.stdout:  # validation has run twice by then: its persistent workers are alive
            output += line
            if 'Iter(train) [    5/10000]' in line or time.time() > deadline:
                break
        os.killpg(proc.pid, signal.SIGTERM)
        output += proc.communicate(timeout=120)[0]
    finally:  # a hung job (workers that ignore even their parent) must not outlive the test
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 143, output[-2000:]
    assert 'SIGTERM: stopping after iteration' in output
    assert os.path.isfile((work / 'last_checkpoint').read_text().strip())


def train_validating_at_3(work, data_root, max_iters: int = 6, loop: str = 'ResumableIterBasedTrainLoop',
                          checkpoint_interval: int = 2, resume: bool = False,
                          sigterm: Optional[SigtermInValidationHook] = None, validation: str = VALIDATION) -> Runner:
    """A tiny run validating every three iterations (four SWD batches), checkpoints every ``checkpoint_interval``;
    ``sigterm`` (a hook) signals SIGTERM in the first validation."""
    cfg = tiny_cfg(FASHION_CFG, work, data_root, max_iters=max_iters, vis_interval=100,
                   extra=validation.format(root=str(data_root)))
    cfg.train_cfg = dict(type=loop, max_iters=max_iters, val_interval=3)
    cfg.default_hooks.checkpoint.update(interval=checkpoint_interval, save_best=None)
    cfg.resume = resume
    runner = Runner.from_cfg(cfg)
    if sigterm is not None:
        runner.register_hook(sigterm)
    runner.train()
    return runner


@pytest.mark.integration
@pytest.mark.parametrize('loop, checkpoint_interval, stopped_at, batches', [
    ('ResumableIterBasedTrainLoop', 2, 3, 1),  # iteration 3 had no checkpoint: written during validation
    ('ResumableIterBasedTrainLoop', 3, 3, 1),  # already written by the iteration
    ('IterBasedTrainLoop', 2, 4, 4),  # mmengine's loop: validation runs out, the next iteration stops
])
def test_sigterm_during_validation(tmp_path, image_folder, loop, checkpoint_interval, stopped_at, batches):
    signaller = SigtermInValidationHook()
    runner = train_validating_at_3(tmp_path / 'work', image_folder, max_iters=100, loop=loop,
                                   checkpoint_interval=checkpoint_interval, sigterm=signaller)
    assert next(hook for hook in runner.hooks if isinstance(hook, PreemptionHook)).preempted
    assert runner.iter == stopped_at and signaller.batches == batches
    last = (tmp_path / 'work' / 'last_checkpoint').read_text().strip()
    assert last.endswith(f'iter_{stopped_at}.pth')
    saved = torch.load(last)
    assert saved['meta']['iter'] == stopped_at
    if stopped_at == 3:  # the training noise stream as validation found it: the resume continues it
        assert torch.equal(saved['rng_states'][0]['torch'], signaller.rng_before)


def with_fid(validation: str, real_stats) -> str:
    """``validation`` with an :class:`OfflineFID` first, its real-image statistics to be extracted into
    ``real_stats``."""
    return validation.replace('metrics=[', f"metrics=[dict(type='OfflineFID', prefix='FID', fake_nums=16, "
                                           f"real_nums=16, inception_pkl={str(real_stats)!r}), ")


@pytest.mark.integration
def test_sigterm_while_fid_extracts_real_features(tmp_path, image_folder, monkeypatch):
    """A SIGTERM before the metrics prepare stops training before FID's real-image features are extracted (they
    take minutes on a CPU): checkpoint written, no validation batch run, no real-image statistics saved, and the
    cursor that mmagic's progress bar hid in the terminal shown again."""
    terminal = io.StringIO()
    monkeypatch.setattr(rich, '_console', rich.console.Console(file=terminal, force_terminal=True))
    for stream in ('stdout', 'stderr'):  # the progress bar, never stopped, redirects them
        monkeypatch.setattr(sys, stream, getattr(sys, stream))
    real_stats = tmp_path / 'real_stats.pkl'
    signaller = SigtermInValidationHook(before_preparation=True)
    runner = train_validating_at_3(tmp_path / 'work', image_folder, max_iters=100, sigterm=signaller,
                                   validation=with_fid(VALIDATION, real_stats))
    preemption = next(hook for hook in runner.hooks if isinstance(hook, PreemptionHook))
    assert preemption.preempted and preemption.preparation_check is None
    assert runner.iter == 3 and signaller.batches == 0 and not real_stats.exists()
    last = (tmp_path / 'work' / 'last_checkpoint').read_text().strip()
    assert last.endswith('iter_3.pth') and torch.load(last)['meta']['iter'] == 3
    # the data preprocessor checks no more: a resumed run preprocesses unhindered
    assert not runner.model.data_preprocessor._forward_pre_hooks
    written = terminal.getvalue()
    assert written.rfind(HIDE_CURSOR) > -1 and written.rfind(SHOW_CURSOR) > written.rfind(HIDE_CURSOR)


@pytest.mark.integration
@pytest.mark.parametrize('before_preparation', [False, True])
def test_sigterm_to_one_rank_during_validation_stops_both(tmp_path, before_preparation):
    """The ranks agree before every batch of FID's real-image extraction and after every validation batch: both
    leave validation at the same batch (no rank waits in a collective for the other), rank 0 writes the
    checkpoint, and neither aborts at exit."""
    data = write_images(tmp_path / 'data', 16, 28, channels=1)
    real_stats = tmp_path / 'real_stats.pkl'
    extra = with_fid(VALIDATION, real_stats).format(root=str(data)) + f"""
custom_imports = dict(imports=['mmbegan', 'tests.sigterm_in_validation_hook'], allow_failed_imports=False)
custom_hooks = custom_hooks + [dict(type='SigtermInValidationHook', rank=1, before_preparation={before_preparation})]
train_cfg = dict(max_iters=100, val_interval=3)
"""
    cfg = tiny_config_file(tmp_path, FASHION_CFG, data, max_iters=100, extra=extra)
    work = tmp_path / 'work'
    env = dict(os.environ, OMP_NUM_THREADS='1', PORT=str(free_port()), PYTHON=PYTHON, MAX_RESTARTS='0')
    proc = subprocess.run(['bash', 'tools/dist_train.sh', cfg, '2', '--work-dir', str(work), '--cfg-options',
                           'default_hooks.checkpoint.interval=2', 'default_hooks.checkpoint.save_best=None'],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    assert 'SIGTERM during validation: stopping after iteration 3' in output, output[-3000:]
    # a rank that exits with 143 first makes torchrun SIGTERM the other, which may be past its barrier: 143 or -15
    assert 'exitcode  : 143' in output and 'SIGABRT' not in output, output[-3000:]
    assert 'Iter(train) [  4/100]' not in output
    assert real_stats.exists() != before_preparation  # extracted in full only when the signal came after it
    last = (work / 'last_checkpoint').read_text().strip()
    assert last.endswith('iter_3.pth') and torch.load(last)['meta']['iter'] == 3
    assert len(torch.load(last)['rng_states']) == 2


@pytest.mark.integration
def test_resume_after_sigterm_during_validation_is_exact(tmp_path, image_folder):
    """Stopped in the validation after iteration 3 and resumed, a run ends as the uninterrupted one: weights, k_t,
    optimizers, lr decay and data position (the skipped validation leaves no trace in the training state)."""
    straight = train_validating_at_3(tmp_path / 'straight', image_folder)
    stopped = train_validating_at_3(tmp_path / 'stopped', image_folder, sigterm=SigtermInValidationHook())
    assert stopped.iter == 3
    resumed = train_validating_at_3(tmp_path / 'stopped', image_folder, resume=True)
    assert resumed.iter == 6
    assert_same(state_of(straight, plateau_hook(straight)), state_of(resumed, plateau_hook(resumed)))
