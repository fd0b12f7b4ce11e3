"""tools/analysis_tools/precision_parity.py on work dirs with known final metrics."""
import json
import os
import subprocess

from tests.helpers import PYTHON, REPO

TOOL = os.path.join(REPO, 'tools/analysis_tools/precision_parity.py')


def finished_run(folder, name: str, fid: float, classes: float, classes_ema: float) -> str:
    """A work dir whose scalars.json ends with a training record and a validation record."""
    vis_data = folder / name / '20261202_000000' / 'vis_data'
    vis_data.mkdir(parents=True)
    records = [dict(k_t=0.4, step=3000), {'FID-1k/fid': fid, 'coverage-2k/effective_classes': classes,
                                           'coverage-2k-ema/effective_classes': classes_ema, 'step': 3000}]
    (vis_data / 'scalars.json').write_text(''.join(json.dumps(r) + '\n' for r in records))
    return str(folder / name)


def parity(fp32, other):
    return subprocess.run([PYTHON, TOOL, '--fp32', *fp32, '--other', *other], capture_output=True, text=True)


def test_within_the_seed_gap_is_parity(tmp_path):
    fp32 = [finished_run(tmp_path, 'a', 120.0, 9.0, 8.5), finished_run(tmp_path, 'b', 126.0, 9.4, 8.9)]
    # mean FID 4 points off, inside the 6-point seed gap; classes 0.1 off, inside the 0.4 gap
    other = [finished_run(tmp_path, 'c', 127.0, 9.3, 8.8), finished_run(tmp_path, 'd', 127.0, 9.3, 8.8)]
    result = parity(fp32, other)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '| FID-1k | 120.00 / 126.00 | 127.00 / 127.00 | 123.00 | 127.00 | 4.00 | 6.00 | yes |' in result.stdout
    assert 'parity of bf16 with fp32: holds' in result.stdout


def test_the_floor_applies_when_seeds_agree_and_a_miss_fails(tmp_path):
    fp32 = [finished_run(tmp_path, 'a', 120.0, 9.0, 8.5), finished_run(tmp_path, 'b', 120.0, 9.0, 8.5)]
    other = [finished_run(tmp_path, 'c', 120.8, 8.7, 8.5), finished_run(tmp_path, 'd', 120.8, 8.7, 8.5)]
    result = parity(fp32, other)
    assert result.returncode == 1
    assert '| 0.80 | 1.00 | yes |' in result.stdout  # FID within its 1-point floor
    assert '| effective classes | 9.00 / 9.00 | 8.70 / 8.70 | 9.00 | 8.70 | 0.30 | 0.20 | no |' in result.stdout
    assert 'does not hold' in result.stdout


def test_three_seeds_and_unequal_counts(tmp_path):
    fp32 = [finished_run(tmp_path, name, fid, 9.0, 8.5) for name, fid in (('a', 120.0), ('b', 126.0), ('c', 123.0))]
    other = [finished_run(tmp_path, name, 130.0, 9.0, 8.5) for name in 'def']
    result = parity(fp32, other)
    assert '| FID-1k | 120.00 / 126.00 / 123.00 | 130.00 / 130.00 / 130.00 | 123.00 | 130.00 | 7.00 | 6.00 | no |' \
        in result.stdout
    result = parity(fp32, other[:2])
    assert result.returncode == 2 and 'need the same seeds, at least 2: got 3 and 2 runs' in result.stderr


def test_an_unfinished_run_is_named(tmp_path):
    done = finished_run(tmp_path, 'a', 120.0, 9.0, 8.5)
    result = parity([done, str(tmp_path / 'empty')], [done, done])
    assert result.returncode != 0 and 'empty: no <timestamp>/vis_data/scalars.json' in result.stderr
