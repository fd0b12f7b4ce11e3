"""tools/analysis_tools/benchmark.py end to end on a shrunken Fashion-MNIST config (a smoke test of the tool, not
of timings)."""
import json
import subprocess

import pytest

from tests.helpers import FASHION_CFG, PYTHON, REPO


@pytest.mark.integration
def test_benchmark_reports_every_quantity(tmp_path):
    out = tmp_path / 'benchmark.json'
    proc = subprocess.run(
        [PYTHON, 'tools/analysis_tools/benchmark.py', FASHION_CFG, '--work-dir', str(tmp_path / 'work'),
         '--out', str(out),
         '--synthetic-data', '16', '--iters', '3', '--warmup', '1', '--repeats', '1', '--precision', 'fp32',
         '--cfg-options', 'model.generator.base_channels=4', 'model.discriminator.base_channels=4',
         'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False'],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(out.read_text())
    for key, result in report['results'].items():
        assert result['min'] > 0 and result['median'] > 0, key
    assert report['flops']['step'] > 0 and report['flops']['dominant_conv']
    shapes = report['conv_shapes']  # the layer roofline: every conv shape's rate alone and its share of the time
    assert shapes[0]['shape'] == report['flops']['dominant_conv']
    assert any('transposed conv' in shape['shape'] for shape in shapes)
    assert sum(shape['time_share'] for shape in shapes) == pytest.approx(1)
    assert sum(shape['work_share'] for shape in shapes) == pytest.approx(1)
    assert 'layer roofline' in proc.stdout and 'bare / layer roofline' in proc.stdout
    assert report['memory']['rss_peak'] > 0
    assert report['setup']['image_shape'] == '1x32x32'
    assert 'ResumableVisualizationHook' in report['setup']['runner_switched_off']
    assert 'runner / bare' in proc.stdout and 'synthetic: 16 random 28x28x1 PNGs' in proc.stdout
    # fp32 training: its bare loop is the fp32 reference itself, and the conv peaks are fp32 too
    assert report['setup']['precision'] == 'precision: fp32 (asked for)'
    assert report['results']['fp32_bare_img_s'] == report['results']['bare_img_s']
    assert 'conv fwd+bwd, channels_last' in proc.stdout and 'runner / fp32 bare' in proc.stdout
