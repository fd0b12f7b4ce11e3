"""tools/analysis_tools/class_share_fid.py: class shares from a metrics JSON, draws at those shares, the cache."""
import gzip
import json
import os
import struct
import subprocess

import numpy as np
import pytest

from tests.helpers import PYTHON, REPO
from tools.analysis_tools.class_share_fid import draw, fid, matched_count, normalised, shares_from_metrics

TOOL = 'tools/analysis_tools/class_share_fid.py'


def test_shares_are_read_in_class_order_from_a_metrics_json(tmp_path):
    names = ['t-shirt-top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot']
    metrics = {f'coverage-2k/share_{i}_{name}': (i + 1) / 100 for i, name in reversed(list(enumerate(names)))}
    metrics.update({'FID-10k-Lucic/fid': 26.7, 'coverage-2k/min_share': 0.01})
    path = tmp_path / 'metrics.json'
    path.write_text(json.dumps(metrics))
    assert shares_from_metrics(str(path)).tolist() == [(i + 1) / 100 for i in range(10)]
    del metrics['coverage-2k/share_8_bag']
    path.write_text(json.dumps(metrics))
    with pytest.raises(ValueError, match=r'classes \[0, 1, 2, 3, 4, 5, 6, 7, 9\]'):
        shares_from_metrics(str(path))


def test_shares_are_normalised_or_rejected():
    assert np.allclose(normalised([2] * 10), 0.1)
    with pytest.raises(ValueError, match='expected 10 class shares, got 9'):
        normalised([0.1] * 9)
    with pytest.raises(ValueError, match='non-negative'):
        normalised([-0.1] + [0.1] * 9)


def test_matched_draw_follows_the_shares_without_repeats():
    labels = np.repeat(np.arange(10), [30, 60, 30, 30, 30, 30, 30, 30, 30, 30])
    shares = normalised([1, 3, 1, 1, 1, 1, 1, 1, 1, 0])
    count = matched_count(labels, shares)
    assert count == 220  # trousers: 60 images at 3/11 of the draw; the zero share of class 9 does not limit it
    uniform, matched = draw(labels, shares, count, np.random.default_rng(0))
    assert len(uniform) == len(set(uniform)) == count
    assert len(matched) == len(set(matched))
    assert np.bincount(labels[matched], minlength=10).tolist() == [20, 60, 20, 20, 20, 20, 20, 20, 20, 0]


def test_fid_of_a_draw_against_its_own_statistics_is_zero():
    features = np.random.default_rng(0).normal(size=(200, 8))
    score, mean_term, cov_term = fid(features, (features.mean(0), np.cov(features, rowvar=False)))
    assert abs(score) < 1e-6 and abs(mean_term) < 1e-12 and abs(cov_term) < 1e-6


def write_split(folder, prefix: str, num: int, seed: int) -> None:
    """IDX image and label files of ``num`` random 28 px images, one class per image in turn."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (num, 28, 28), dtype=np.uint8)
    with gzip.open(os.path.join(folder, f'{prefix}-images-idx3-ubyte.gz'), 'wb') as f:
        f.write(struct.pack('>IIII', 2051, num, 28, 28) + images.tobytes())
    with gzip.open(os.path.join(folder, f'{prefix}-labels-idx1-ubyte.gz'), 'wb') as f:
        f.write(struct.pack('>II', 2049, num) + (np.arange(num) % 10).astype(np.uint8).tobytes())


@pytest.mark.integration
def test_tool_scores_both_draws_and_refuses_a_cache_made_otherwise(tmp_path):
    write_split(tmp_path, 't10k', 12, seed=0)
    write_split(tmp_path, 'train', 40, seed=1)
    cache = str(tmp_path / 'features.npz')
    common = ['--src', str(tmp_path), '--cache', cache, '--shares', *['1'] * 5, *['2'] * 5]

    def run(*args):
        return subprocess.run([PYTHON, TOOL, *common, *args], cwd=REPO, capture_output=True, text=True,
                              timeout=600)

    proc = run('--num-train', '40', '--draws', '2')
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '30 training images per draw (of the first 40) against 12 test images' in proc.stdout
    assert proc.stdout.count('uniform FID') == 2 and 'FID cost of the class shares' in proc.stdout
    assert set(np.load(cache)) == {'test', 'train', 'train_labels', 'options'}
    assert run('--num-train', '40').returncode == 0  # the cache is reused
    refused = run('--num-train', '30')
    assert refused.returncode != 0 and 'was made with' in refused.stderr
