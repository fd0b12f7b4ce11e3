"""Checkpoint times from mmengine's logs: the time axis of tools/analysis_tools/time_to_quality.py (which
test_train_test_generate.py runs on a tiny run)."""
import pytest

from mmbegan.apis import checkpoint_times
from tools.analysis_tools.time_to_quality import find_checkpoints


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


def test_find_checkpoints_takes_iteration_checkpoints_only(tmp_path, monkeypatch):
    """epoch_N.pth files count epochs, not iterations: the time axis would be wrong, so they are left out."""
    for name in ('iter_500.pth', 'iter_1000.pth', 'epoch_1000.pth', 'epoch_3.pth'):
        (tmp_path / name).write_bytes(b'')
    monkeypatch.setattr('tools.analysis_tools.time_to_quality.check_checkpoint_file', lambda path, role: None)
    found = find_checkpoints(str(tmp_path), None)
    assert found == {500: str(tmp_path / 'iter_500.pth'), 1000: str(tmp_path / 'iter_1000.pth')}
    with pytest.raises(FileNotFoundError, match=r'\[3\]'):
        find_checkpoints(str(tmp_path), [3])
