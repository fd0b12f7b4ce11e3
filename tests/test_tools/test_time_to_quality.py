"""Checkpoint times from mmengine's logs, and tools/analysis_tools/time_to_quality.py on a tiny run."""
import json
import os.path as osp
import subprocess

import pytest

from mmbegan.apis import checkpoint_times
from tests.helpers import FASHION_CFG, PYTHON, REPO, tiny_config_file, write_images

TOOL = osp.join(REPO, 'tools/analysis_tools/time_to_quality.py')


def write_log(work_dir, stamp: str, lines) -> None:
    """One launch's mmengine log, ``lines`` as (HH:MM:SS, message) on 2026/12/05."""
    folder = work_dir / stamp
    folder.mkdir(parents=True)
    text = ''.join(f'2026/12/05 {clock} - mmengine - INFO - {message}\n' for clock, message in lines)
    (folder / f'{stamp}.log').write_text(text + 'a line without a time stamp\n')


def test_times_add_up_over_resumed_launches_and_skip_test_runs(tmp_path):
    write_log(tmp_path, '20261205_100000', [('10:00:00', 'Config:'), ('10:00:10', 'Iter(train) [ 1/4]'),
                                            ('10:01:00', 'Saving checkpoint at 2 iterations'),
                                            ('10:02:00', 'Iter(train) [ 3/4]')])
    write_log(tmp_path, '20261205_110000', [('11:00:00', 'Config:'), ('11:00:05', 'Iter(train) [ 3/4]'),
                                            ('11:00:30', 'Saving checkpoint at 4 iterations'),
                                            ('11:00:40', 'Exiting')])
    write_log(tmp_path, '20261205_120000', [('12:00:00', 'Config:'), ('12:30:00', 'Metrics: {}')])
    # the first launch ran 120 s; the resumed one saved 30 s after its start
    assert checkpoint_times(str(tmp_path)) == {2: 60.0, 4: 150.0}


def test_a_later_save_of_the_same_iteration_wins(tmp_path):
    write_log(tmp_path, '20261205_100000', [('10:00:00', 'Config:'), ('10:00:20', 'Saving checkpoint at 2 iterations'),
                                            ('10:00:30', 'Iter(train) [ 3/4]')])
    write_log(tmp_path, '20261205_110000', [('11:00:00', 'Config:'), ('11:00:20', 'Saving checkpoint at 2 iterations')])
    assert checkpoint_times(str(tmp_path)) == {2: 50.0}


def test_no_training_log_is_an_error_naming_the_folder(tmp_path):
    write_log(tmp_path, '20261205_120000', [('12:00:00', 'Config:'), ('12:30:00', 'Metrics: {}')])
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        checkpoint_times(str(tmp_path))


@pytest.fixture(scope='module')
def tiny_run(tmp_path_factory):
    """A tiny BEGAN trained for 4 iterations through tools/train.py, checkpoints at 2 and 4."""
    root = tmp_path_factory.mktemp('ttq')
    data = write_images(root / 'data', 16, 28, channels=1)
    cfg = tiny_config_file(root, FASHION_CFG, data, max_iters=4)
    work = str(root / 'work')
    proc = subprocess.run([PYTHON, 'tools/train.py', cfg, '--work-dir', work], cwd=REPO, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return cfg, work


def time_to_quality(*args):
    return subprocess.run([PYTHON, TOOL, *args], cwd=REPO, capture_output=True, text=True, timeout=600)


@pytest.mark.integration
def test_every_checkpoint_is_timed_and_evaluated(tiny_run, tmp_path):
    cfg, work = tiny_run
    out = tmp_path / 'rows.json'
    proc = time_to_quality(cfg, work, '--fid-key', 'swd/avg', '--thresholds', '1000', '0', '--out', str(out))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = json.loads(out.read_text())
    assert [row['iteration'] for row in rows] == [2, 4]
    assert 0 <= rows[0]['minutes'] <= rows[1]['minutes']
    assert all(row['swd/avg'] > 0 for row in rows)
    assert '| iterations | minutes from start | swd/32 | swd/16 | swd/avg |' in proc.stdout
    assert 'swd/avg <= 1000: first at 2 iterations' in proc.stdout
    assert 'swd/avg <= 0: not reached (best' in proc.stdout
    assert osp.isdir(osp.join(work, 'time_to_quality', 'iter_4'))


@pytest.mark.integration
def test_bad_choices_fail_before_any_evaluation(tiny_run, tmp_path):
    cfg, work = tiny_run
    proc = time_to_quality(cfg, str(tmp_path), '--fid-key', 'swd/avg')
    assert proc.returncode != 0 and f'no iter_N.pth checkpoint in {tmp_path}' in proc.stderr
    proc = time_to_quality(cfg, work, '--metrics', 'FID-10k-Lucic')
    assert proc.returncode != 0 and "--metrics ['FID-10k-Lucic'] not among the config's test metric" in proc.stderr
    proc = time_to_quality(cfg, work, '--iters', '3', '--fid-key', 'swd/avg')
    assert proc.returncode != 0 and 'no checkpoint iter_N.pth for --iters [3]' in proc.stderr
    existing = tmp_path / 'rows.json'
    existing.write_text('[]')
    proc = time_to_quality(cfg, work, '--fid-key', 'swd/avg', '--out', str(existing))
    assert proc.returncode != 0 and 'exists; name a new file' in proc.stderr and existing.read_text() == '[]'
