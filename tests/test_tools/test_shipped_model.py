"""The shipped Fashion-MNIST model works on a fresh clone: tools/generate.py, mmagic's inferencer, its coverage."""
import os.path as osp
import subprocess

import pytest
import torch
import yaml

from tests.helpers import PYTHON, REPO

MAX_BYTES = 12 * 2 ** 20
# effective classes of 1,000 EMA samples (seed 0): 8.86 when the model was published (2026-12-02), less a margin
# for platform rounding; a change of the model code that breaks the shipped weights falls below it
MIN_EFFECTIVE_CLASSES = 8.86 - 0.3


def shipped_models():
    """(config, weights) of every metafile entry with weights, paths from the repository root."""
    with open(osp.join(REPO, 'configs/began/metafile.yml')) as f:
        models = yaml.safe_load(f)['Models']
    return [(osp.join(REPO, m['Config']), osp.join(REPO, m['Weights'])) for m in models if m.get('Weights')]


def test_a_model_is_shipped_small_enough():
    shipped = shipped_models()
    assert shipped, 'configs/began/metafile.yml names no Weights'
    for config, weights in shipped:
        assert osp.isfile(config) and osp.isfile(weights), weights
        assert osp.getsize(weights) <= MAX_BYTES, f'{weights}: {osp.getsize(weights)} bytes'


@pytest.mark.integration
def test_generate_and_inferencer_sample_the_shipped_model(tmp_path):
    from mmagic.apis.inferencers import UnconditionalInferencer
    config, weights = shipped_models()[0]
    proc = subprocess.run([PYTHON, 'tools/generate.py', config, weights, '--out-dir', str(tmp_path / 'gen'),
                           '--sample-model', 'ema', '--num-samples', '16', '--num-files', '8'],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (tmp_path / 'gen' / 'samples.png').is_file() and len(list((tmp_path / 'gen' / 'samples').iterdir())) == 8
    inferencer = UnconditionalInferencer(config, weights, device='cpu', extra_parameters=dict(num_batches=4))
    fake = inferencer(result_out_dir=str(tmp_path / 'inferencer.png'))[0]['fake_img']
    assert fake.shape == (1, 32, 32) and fake.float().std() > 1  # images, not a constant


@pytest.mark.integration
def test_shipped_model_keeps_its_class_coverage():
    from mmagic.apis.inferencers.inference_functions import init_model

    from mmbegan.evaluation.coverage_classifier import effective_classes, load_classifier
    config, weights = shipped_models()[0]
    model = init_model(config, weights, device='cpu')
    torch.manual_seed(0)
    with torch.no_grad():
        images = model.data_preprocessor.destruct(model.generator_ema(model.noise_fn(num_batches=1000)))
    classifier, meta = load_classifier()
    counts = torch.bincount(classifier.predict(images.round().clamp(0, 255)), minlength=len(meta['class_names']))
    assert effective_classes(counts) >= MIN_EFFECTIVE_CLASSES
