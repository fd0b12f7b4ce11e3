"""ClassCoverage: its numbers by hand, its shape check, and a run through the runner's test loop."""
import pytest
import torch
from mmengine.runner import Runner

from mmbegan.apis import run_test
from mmbegan.evaluation import ClassCoverage
from tests.helpers import FASHION_CFG, tiny_cfg


def test_coverage_numbers_by_hand():
    metric = ClassCoverage(fake_nums=8)
    predictions = [torch.tensor([0, 0, 0, 0]), torch.tensor([1, 1, 9, 9])]  # shares 1/2, 1/4, 1/4
    out = metric.compute_metrics(predictions)
    assert out['effective_classes'] == pytest.approx(2 ** 1.5)  # exp(1.5 ln 2)
    assert out['min_share'] == 0.0  # seven classes never generated
    assert out['share_0_t-shirt-top'] == 0.5 and out['share_9_ankle-boot'] == 0.25
    assert sum(v for k, v in out.items() if k.startswith('share_')) == pytest.approx(1.0)


def test_coverage_refuses_images_the_classifier_was_not_trained_on():
    metric = ClassCoverage(fake_nums=2)
    samples = [dict(fake_img=torch.zeros(3, 64, 64)) for _ in range(2)]
    with pytest.raises(ValueError, match=r'takes images of shape \(1, 32, 32\)'):
        metric.process({}, samples)


@pytest.mark.integration
def test_coverage_in_the_test_loop(tmp_path, image_folder):
    extra = """
test_evaluator = dict(metrics=[dict(type='ClassCoverage', prefix='coverage', fake_nums=12, sample_model='orig')])
"""
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, extra=extra)
    metrics = run_test(Runner.from_cfg(cfg))
    assert 1.0 <= metrics['coverage/effective_classes'] <= 10.0
    shares = [v for k, v in metrics.items() if k.startswith('coverage/share_')]
    assert len(shares) == 10 and sum(shares) == pytest.approx(1.0)
