"""Training, exact resume and a one-process distributed run on the device mmengine's runner picks: the CPU in CI,
the GPU on a CUDA machine, where ``python -m pytest -m device --device cuda`` is the CUDA smoke subset."""
import math
import os
import subprocess

import pytest
import torch
from mmengine.runner import Runner

from mmbegan.engine import set_precision
from tests.helpers import FASHION_CFG, PYTHON, REPO, runner_device, tiny_cfg, tiny_config_file, write_images
from tests.test_engine.test_distributed import EXTRA as RANK_DUMP
from tests.test_engine.test_distributed import free_port
from tests.test_engine.test_resume import N, assert_same, run, state_of

# the precisions of the device the runner picks here (CUDA's mixed ones need a GPU; CPU bf16 is emulated to stay fast)
PRECISIONS = {'cuda': ('fp32', 'bf16', 'fp16'), 'cpu': ('fp32', 'bf16-emulated')}[runner_device()]
WRAPPERS = {'fp32': 'OptimWrapper', 'bf16-emulated': 'BF16AutocastOptimWrapper', 'bf16': 'AmpOptimWrapper',
            'fp16': 'AmpOptimWrapper'}
# evaluation on the device: the EMA generator with its own batch-norm statistics, class coverage (classifier on CPU)
EMA_TEST = """
custom_hooks.append(dict(type='EMABatchNormHook', num_samples=64, batch_size=16))
test_evaluator = dict(metrics=[
    dict(type='SWD', prefix='swd', fake_nums=8, sample_model='ema', image_shape=(1, 32, 32)),
    dict(type='ClassCoverage', prefix='coverage', fake_nums=8, sample_model='ema')])
"""
# the same algorithms on every run: cuDNN's fastest ones may add in any order, which an exact resume cannot match
DETERMINISTIC = "randomness = dict(seed=0, diff_rank_seed=True, deterministic=True)\n"


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return write_images(tmp_path_factory.mktemp('imgs'), 16, 28, channels=1)


@pytest.mark.device
@pytest.mark.parametrize('precision', PRECISIONS)
@pytest.mark.parametrize('channels_last', [False, True], ids=['nchw', 'channels-last'])
def test_recipe_trains_on_the_device(tmp_path, data_root, device, precision, channels_last):
    """A few iterations of the Fashion-MNIST recipe in each precision of the device: weights stay there, in the
    asked layout and in fp32, losses are finite, k_t moves and the EMA generator follows."""
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', data_root, max_iters=4)
    cfg.model.update(channels_last=channels_last, ema_config=dict(momentum=0.5, start_iter=0))
    set_precision(cfg, precision)
    runner = Runner.from_cfg(cfg)
    runner.train()
    model = runner.model
    assert {type(wrapper).__name__ for wrapper in runner.optim_wrapper.values()} == {WRAPPERS[precision]}
    conv = next(m for m in model.discriminator.modules()  # one whose layouts differ: several channels, 3×3
                if isinstance(m, torch.nn.Conv2d) and m.in_channels > 1 and m.kernel_size == (3, 3))
    assert conv.weight.device.type == device and conv.weight.dtype == torch.float32
    assert conv.weight.is_contiguous(memory_format=torch.channels_last) == channels_last
    assert model.k_t.device.type == device and 0 < model.k_t.item() <= 1
    hub = runner.message_hub
    for key in ('loss_disc', 'loss_gen', 'recon_real', 'recon_fake'):
        assert all(math.isfinite(v) for v in hub.get_scalar(f'train/{key}').data[0]), key
    ema = dict(model.generator_ema.module.named_parameters())
    moved = [name for name, p in model.generator.named_parameters() if not torch.equal(p, ema[name])]
    assert moved, 'the EMA generator equals the trained one after 4 updates at momentum 0.5'


@pytest.fixture
def deterministic_mode_restored():
    """mmengine switches deterministic algorithms on for the whole process; switch them back for later tests."""
    before = (torch.are_deterministic_algorithms_enabled(), torch.backends.cudnn.deterministic,
              torch.backends.cudnn.benchmark)
    yield
    torch.use_deterministic_algorithms(before[0])
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = before[1:]


@pytest.mark.device
@pytest.mark.integration
@pytest.mark.usefixtures('deterministic_mode_restored')
def test_resume_is_exact_on_the_device(tmp_path, data_root, device, monkeypatch):
    """2N iterations equal N + --resume N on the device, with deterministic algorithms (a CUDA requirement)."""
    monkeypatch.setenv('CUBLAS_WORKSPACE_CONFIG', ':4096:8')  # what deterministic cuBLAS asks for (PyTorch's docs)
    straight, straight_hook = run(tmp_path / 'straight', data_root, 2 * N, extra=DETERMINISTIC)
    run(tmp_path / 'halves', data_root, N, extra=DETERMINISTIC)
    resumed, resumed_hook = run(tmp_path / 'halves', data_root, 2 * N, resume=True, extra=DETERMINISTIC)
    assert straight.model.k_t.device.type == resumed.model.k_t.device.type == device
    assert_same(state_of(straight, straight_hook), state_of(resumed, resumed_hook))


@pytest.mark.device
@pytest.mark.integration
def test_one_process_dist_train_and_test_on_the_device(tmp_path, device):
    """tools/dist_train.sh CONFIG 1 trains on the device with its backend (NCCL on CUDA, gloo on a CPU), and
    tools/test.py evaluates the checkpoint there: SWD and class coverage of the EMA generator, whose batch-norm
    statistics EMABatchNormHook re-estimates on the device first."""
    data = write_images(tmp_path / 'data', 16, 28, channels=1)
    extra = RANK_DUMP.format(mode='alternating') + EMA_TEST
    cfg = tiny_config_file(tmp_path, FASHION_CFG, data, max_iters=2, extra=extra)
    work = tmp_path / 'work'
    env = dict(os.environ, OMP_NUM_THREADS='1', PORT=str(free_port()), PYTHON=PYTHON, MAX_RESTARTS='0')
    proc = subprocess.run(['bash', 'tools/dist_train.sh', cfg, '1', '--work-dir', str(work)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rank0 = torch.load(work / 'rank0.pth')
    assert (rank0['device'], rank0['backend']) == (device, 'nccl' if device == 'cuda' else 'gloo')
    env['PYTHONPATH'] = REPO  # the config imports the test hook
    proc = subprocess.run([PYTHON, 'tools/test.py', cfg, str(work / 'iter_2.pth'), '--work-dir', str(tmp_path / 't')],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0 and 'swd/avg' in log and 'coverage/effective_classes' in log, log[-3000:]
    assert 'EMABatchNormHook: re-estimated' in log
