"""tools/dist_train.sh with 2 CPU (gloo) processes: every rank ends with the same k_t and weights."""
import json
import os
import socket
import subprocess

import pytest
import torch

from tests.helpers import FASHION_CFG, PYTHON, REPO, tiny_config_file, write_images

EXTRA = """
custom_imports = dict(imports=['mmbegan', 'tests.rank_dump_hook'], allow_failed_imports=False)
custom_hooks = [
    dict(type='BEGANEquilibriumHook'),
    dict(type='MGlobalPlateauHook', window=2, patience=1),
    dict(type='RandomStateHook'),
    dict(type='RankDumpHook'),
]
model = dict(update_mode={mode!r}, ema_config=dict(momentum=0.5), discriminator=dict(vanishing_residual_iters=10))
"""
# BEGAN's own generator (the recipe's is mmagic's batch-norm DCGANGenerator)
BEGAN_GENERATOR = """
model = dict(generator=dict(_delete_=True, type='BEGANGenerator', output_scale=32, out_channels=1, base_channels=4,
                            noise_size=64, num_convs=2, vanishing_residual_iters=10))
"""
BATCH_NORM_STATS = ('running_mean', 'running_var', 'num_batches_tracked')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.mark.integration
@pytest.mark.parametrize('mode,generator', [('alternating', 'began'), ('simultaneous', 'began'),
                                            ('alternating', 'recipe')])
def test_two_gloo_ranks_stay_identical(tmp_path, mode, generator):
    """Weights, EMA weights and k_t are equal on both ranks; batch-norm running statistics (the recipe's
    generator) are each rank's own, as in any DDP training without SyncBN, and the checkpoint holds rank 0's."""
    data = write_images(tmp_path / 'data', 16, 28, channels=1)
    extra = EXTRA.format(mode=mode) + (BEGAN_GENERATOR if generator == 'began' else '')
    cfg = tiny_config_file(tmp_path, FASHION_CFG, data, max_iters=3, extra=extra)
    work = tmp_path / 'work'
    env = dict(os.environ, OMP_NUM_THREADS='1', PORT=str(free_port()), PYTHON=PYTHON, MAX_RESTARTS='0')  # fail fast
    proc = subprocess.run(['bash', 'tools/dist_train.sh', cfg, '2', '--work-dir', str(work)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    ranks = [torch.load(work / f'rank{r}.pth') for r in range(2)]
    state0, state1 = ranks[0]['state_dict'], ranks[1]['state_dict']
    assert state0.keys() == state1.keys() and any(k.startswith('generator_ema.') for k in state0)
    for key in state0:
        if not key.endswith(BATCH_NORM_STATS):
            assert torch.equal(state0[key], state1[key]), key
    assert state0['k_t'].item() > 0
    raw0, raw1 = ranks[0]['raw'], ranks[1]['raw']
    assert len(raw0) == 3 and any(a['recon_real'] != b['recon_real'] for a, b in zip(raw0, raw1))  # own data
    for key in ('loss_disc', 'loss_gen', 'recon_real', 'recon_fake'):
        logged = ranks[0]['logged'][key]
        expected = [(a[key] + b[key]) / 2 for a, b in zip(raw0, raw1)]
        assert logged == pytest.approx(expected, rel=1e-5), key  # logged losses are cross-rank means
    assert ranks[0]['logged']['k_t'] == ranks[1]['logged']['k_t']
    saved = torch.load(work / 'iter_3.pth')['state_dict']
    assert saved.keys() == state0.keys()  # no DDP 'module.' in the names
    if generator == 'recipe':  # tools/dist_test.sh evaluates the checkpoint with 2 gloo ranks
        out = tmp_path / 'metrics.json'
        env['PORT'] = str(free_port())
        proc = subprocess.run(['bash', 'tools/dist_test.sh', cfg, str(work / 'iter_3.pth'), '2', '--work-dir',
                               str(tmp_path / 'test'), '--out', str(out)], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert json.loads(out.read_text())['swd/avg'] > 0
