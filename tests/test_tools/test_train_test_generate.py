"""The user's path end to end: tools/train.py → tools/test.py → tools/generate.py, and mmagic's inferencer."""
import json
import os
import os.path as osp
import re
import subprocess

import cv2
import pytest

from tests.helpers import FASHION_CFG, PYTHON, REPO, tiny_config_file, write_images


def run(args, check=True):
    proc = subprocess.run([PYTHON, *args], cwd=REPO, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(proc.stdout[-3000:] + proc.stderr[-3000:])
    return proc


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A tiny Fashion-MNIST-style BEGAN trained for 4 iterations through tools/train.py."""
    root = tmp_path_factory.mktemp('roundtrip')
    data = write_images(root / 'data', 16, 28, channels=1)
    cfg = tiny_config_file(root, FASHION_CFG, data, max_iters=4)
    work = str(root / 'work')
    run(['tools/train.py', cfg, '--work-dir', work, '--precision', 'auto'])
    return cfg, work, data


@pytest.mark.integration
def test_train_writes_checkpoints_and_samples(trained):
    cfg, work, _ = trained
    assert osp.isfile(osp.join(work, 'iter_4.pth'))
    assert open(osp.join(work, 'last_checkpoint')).read().strip().endswith('iter_4.pth')
    vis = [f for _, _, files in os.walk(work) for f in files if f.startswith('fake_img') and f.endswith('.png')]
    assert vis, 'VisualizationHook wrote no sample grid'


@pytest.mark.integration
def test_train_logs_the_precision_it_chose(trained):
    _, work, _ = trained
    logs = [osp.join(root, f) for root, _, files in os.walk(work) for f in files if f.endswith('.log')]
    text = ''.join(open(path).read() for path in logs)
    assert re.search(r'precision: (fp32|cpu bf16|cuda bf16|cuda fp16) \(auto: ', text), 'no precision line in the log'


@pytest.mark.integration
def test_plot_curves_writes_png(trained):
    _, work, _ = trained
    run(['tools/analysis_tools/plot_curves.py', work])
    image = cv2.imread(osp.join(work, 'curves.png'))
    assert image is not None and image.shape[0] > 400


@pytest.mark.integration
def test_test_tool_writes_metrics(trained, tmp_path):
    cfg, work, _ = trained
    out = tmp_path / 'metrics.json'
    run(['tools/test.py', cfg, osp.join(work, 'iter_4.pth'), '--work-dir', str(tmp_path), '--out', str(out)])
    metrics = json.loads(out.read_text())
    assert metrics['swd/avg'] > 0


@pytest.mark.integration
def test_generate_writes_grids_and_real_interpolation(trained, tmp_path):
    cfg, work, data = trained
    out = tmp_path / 'gen'
    proc = run(['tools/generate.py', cfg, osp.join(work, 'iter_4.pth'), '--out-dir', str(out), '--num-samples', '9',
                '--steps', '5', '--num-interps', '2', '--embed-iters', '5',
                '--real-images', osp.join(data, '00000.png'), osp.join(data, '00001.png')])
    assert 'embedding L1 error' in proc.stdout
    samples = cv2.imread(str(out / 'samples.png'))
    assert samples.shape[0] == 3 * 32 + 4 * 2  # 3×3 grid of 32 px images, 2 px padding
    assert cv2.imread(str(out / 'interpolation.png')).shape[1] == 5 * 32 + 6 * 2
    assert cv2.imread(str(out / 'real_interpolation.png')).shape[1] == 7 * 32 + 8 * 2


@pytest.mark.integration
def test_generate_writes_single_sample_files_and_never_overwrites(trained, tmp_path):
    cfg, work, _ = trained
    args = ['tools/generate.py', cfg, osp.join(work, 'iter_4.pth'), '--out-dir', str(tmp_path), '--num-samples', '4',
            '--num-files', '5']
    run(args)
    files = sorted(os.listdir(tmp_path / 'samples'))
    assert files == [f'{i:06d}.png' for i in range(5)]
    single = cv2.imread(str(tmp_path / 'samples' / files[0]), cv2.IMREAD_UNCHANGED)
    assert single.shape == (32, 32)  # the generator's size and channels, not a grid
    assert cv2.imread(str(tmp_path / 'samples.png')).shape[0] == 2 * 32 + 3 * 2  # --num-samples kept its meaning
    again = run(args, check=False)
    assert again.returncode != 0 and 'is not empty' in again.stderr
    assert sorted(os.listdir(tmp_path / 'samples')) == files


@pytest.mark.integration
def test_generate_refuses_checkpoint_of_another_architecture(trained, tmp_path):
    cfg, work, _ = trained
    other = tiny_config_file(tmp_path, FASHION_CFG, trained[2], width=8)
    proc = run(['tools/generate.py', other, osp.join(work, 'iter_4.pth'), '--out-dir', str(tmp_path)], check=False)
    assert proc.returncode != 0
    assert 'does not match the model' in proc.stderr
    assert 'decoder.blocks.1.1.weight: checkpoint (4, 4, 3, 3), model (8, 8, 3, 3)' in proc.stderr


@pytest.mark.integration
def test_unconditional_inferencer_samples_from_mmbegan_checkpoint(trained, tmp_path):
    from mmagic.apis.inferencers import UnconditionalInferencer
    cfg, work, _ = trained
    inferencer = UnconditionalInferencer(cfg, osp.join(work, 'iter_4.pth'), device='cpu',
                                         extra_parameters=dict(num_batches=4))
    out = tmp_path / 'inferencer.png'
    results = inferencer(result_out_dir=str(out))
    assert out.is_file()
    fake = results[0]['fake_img']
    assert fake.shape == (1, 32, 32) and fake.min() >= 0 and fake.max() <= 255
    noise = results[0]['noise']
    assert noise.min() >= -1 and noise.max() <= 1  # BEGAN's uniform prior, also through the inferencer


@pytest.mark.integration
def test_amp_on_cpu_uses_bf16_autocast(trained, tmp_path):
    cfg, _, _ = trained
    proc = run(['tools/train.py', cfg, '--work-dir', str(tmp_path), '--amp', '--cfg-options', 'train_cfg.max_iters=2'])
    assert 'precision: cpu bf16 (asked for' in proc.stdout + proc.stderr
    assert osp.isfile(tmp_path / 'iter_2.pth')


@pytest.mark.integration
def test_unwritable_work_dir_fails_before_training(trained, tmp_path):
    cfg, _, _ = trained
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    proc = run(['tools/train.py', cfg, '--work-dir', str(blocker / 'run')], check=False)
    assert proc.returncode != 0 and 'is not writable' in proc.stderr


@pytest.mark.integration
def test_checkpoint_coverage_prints_both_generators(trained):
    cfg, work, _ = trained
    out = run(['tools/analysis_tools/checkpoint_coverage.py', cfg, osp.join(work, 'iter_2.pth'),
               osp.join(work, 'iter_4.pth'), '--num', '8']).stdout
    rows = [line.split(' | ') for line in out.splitlines() if line.startswith(work)]
    assert [row[1] for row in rows] == ['generator', 'generator_ema'] * 2
    for row in rows:
        assert 1 <= float(row[2]) <= 10 and abs(sum(map(float, row[3:])) - 1) < 1e-2


@pytest.mark.integration
def test_time_to_quality_times_and_evaluates_every_checkpoint(trained, tmp_path):
    cfg, work, _ = trained
    out = tmp_path / 'rows.json'
    proc = run(['tools/analysis_tools/time_to_quality.py', cfg, work, '--fid-key', 'swd/avg', '--thresholds', '1000',
                '0', '--out', str(out)])
    rows = json.loads(out.read_text())
    assert [row['iteration'] for row in rows] == [2, 4]
    assert 0 <= rows[0]['minutes'] <= rows[1]['minutes']
    assert all(row['swd/avg'] > 0 for row in rows)
    assert '| iterations | minutes from start | swd/32 | swd/16 | swd/avg |' in proc.stdout
    assert 'swd/avg <= 1000: first at 2 iterations' in proc.stdout
    assert 'swd/avg <= 0: not reached (best' in proc.stdout
    assert osp.isdir(osp.join(work, 'time_to_quality', 'iter_4'))


@pytest.mark.integration
def test_time_to_quality_refuses_bad_choices(trained, tmp_path):
    cfg, work, _ = trained
    tool = 'tools/analysis_tools/time_to_quality.py'
    proc = run([tool, cfg, str(tmp_path), '--fid-key', 'swd/avg'], check=False)
    assert proc.returncode != 0 and f'no iter_N.pth checkpoint in {tmp_path}' in proc.stderr
    proc = run([tool, cfg, work, '--metrics', 'FID-10k-Lucic'], check=False)
    assert proc.returncode != 0 and "--metrics ['FID-10k-Lucic'] not among the config's test metric" in proc.stderr
    proc = run([tool, cfg, work, '--iters', '3', '--fid-key', 'swd/avg'], check=False)
    assert proc.returncode != 0 and 'no checkpoint iter_N.pth for --iters [3]' in proc.stderr
    existing = tmp_path / 'rows.json'
    existing.write_text('[]')
    proc = run([tool, cfg, work, '--fid-key', 'swd/avg', '--out', str(existing)], check=False)
    assert proc.returncode != 0 and 'exists; name a new file' in proc.stderr and existing.read_text() == '[]'
    proc = run([tool, cfg, work, '--iters', '2', '--fid-key', 'swd/fid'], check=False)
    assert proc.returncode != 0 and "--fid-key swd/fid is not among the metrics ['swd/16', " in proc.stderr
