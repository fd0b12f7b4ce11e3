"""Truncated or foreign checkpoint files are recognised from their zip directory and refused by the tools."""
import subprocess

import pytest
import torch

from mmbegan.engine import newest_good_checkpoint
from mmbegan.engine.checkpoint_files import checkpoint_problem
from tests.helpers import FASHION_CFG, PYTHON, REPO, tiny_config_file


def write_checkpoints(folder):
    """iter_2.pth complete, iter_4.pth truncated to half, iter_6.pth a text file; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(dict(meta=dict(iter=2), state_dict={'w': torch.zeros(1000)}), folder / 'iter_2.pth')
    torch.save(dict(meta=dict(iter=4), state_dict={'w': torch.zeros(1000)}), folder / 'iter_4.pth')
    data = (folder / 'iter_4.pth').read_bytes()
    (folder / 'iter_4.pth').write_bytes(data[:len(data) // 2])
    (folder / 'iter_6.pth').write_text('not a checkpoint')
    return folder


def test_problems_are_named_and_the_newest_good_one_found(tmp_path):
    folder = write_checkpoints(tmp_path / 'work')
    assert checkpoint_problem(str(folder / 'iter_2.pth')) is None
    assert 'truncated' in checkpoint_problem(str(folder / 'iter_4.pth'))
    assert 'truncated or another kind of file' in checkpoint_problem(str(folder / 'iter_6.pth'))
    assert checkpoint_problem(str(folder / 'iter_8.pth')) == 'no such file'
    assert newest_good_checkpoint(str(folder)) == str(folder / 'iter_2.pth')


@pytest.mark.integration
def test_train_refuses_a_truncated_resume_before_training(tmp_path, image_folder):
    work = write_checkpoints(tmp_path / 'work')
    (work / 'last_checkpoint').write_text(str(work / 'iter_4.pth'))
    cfg = tiny_config_file(tmp_path, FASHION_CFG, image_folder, max_iters=2)
    proc = subprocess.run([PYTHON, 'tools/train.py', cfg, '--work-dir', str(work), '--resume'], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    last_line = proc.stderr.strip().splitlines()[-1]
    assert f'--resume {work / "iter_4.pth"}' in last_line and f'{work / "iter_2.pth"}' in last_line
    assert 'Iter(train)' not in proc.stdout + proc.stderr
