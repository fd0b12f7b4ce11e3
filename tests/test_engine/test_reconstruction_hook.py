"""BEGANReconstructionHook: the grid shows real images as they were read, whatever the data normalisation."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmagic.datasets.transforms import PackInputs
from mmagic.models import DataPreprocessor

from mmbegan.engine import BEGANReconstructionHook
from mmbegan.models import BEGAN

GEN = dict(type='BEGANGenerator', output_scale=16, base_channels=2, noise_size=4)
DISC = dict(type='BEGANDiscriminator', input_scale=16, base_channels=2, embedding_size=4)


class CapturingVisualizer:
    """Keeps what the hook hands to ``add_image``."""

    def __init__(self):
        self.images = {}

    def add_image(self, name, image, step):
        self.images[(name, step)] = image


@pytest.mark.parametrize('mean, std', [(127.5, 127.5), (0.0, 255.0), (72.9, 90.0)])
def test_real_row_shows_the_input_pixels(mean, std):
    model = BEGAN(GEN, DISC, data_preprocessor=DataPreprocessor(mean=[mean] * 3, std=[std] * 3))
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (16, 16, 3), dtype=np.uint8) for _ in range(2)]
    packed = [PackInputs()(dict(gt=image)) for image in images]
    data_batch = dict(inputs=[p['inputs'] for p in packed], data_samples=[p['data_samples'] for p in packed])
    runner = SimpleNamespace(model=model, visualizer=CapturingVisualizer(), iter=0)

    BEGANReconstructionHook(interval=1, n_samples=2).after_train_iter(runner, 0, data_batch)

    grid = runner.visualizer.images[('reconstruction', 1)]
    assert grid.shape == (4 * 18 + 2, 2 * 18 + 2, 3)  # rows x, D(x), G(z), D(G(z)); 2 px padding
    for col, image in enumerate(images):
        shown = grid[2:18, 2 + 18 * col:18 + 18 * col].astype(int)
        np.testing.assert_allclose(shown, image[..., ::-1], atol=1)  # BGR read, RGB shown


def test_grid_leaves_the_generators_batch_norm_statistics_alone():
    """A batch-norm generator in training mode: drawing the grid's samples leaves its running statistics (and
    batch count) as they were."""
    generator = dict(type='DCGANGenerator', output_scale=16, out_channels=3, base_channels=8, noise_size=4)
    model = BEGAN(generator, DISC, data_preprocessor=DataPreprocessor(mean=[127.5] * 3, std=[127.5] * 3)).train()
    image = np.zeros((16, 16, 3), dtype=np.uint8)
    packed = [PackInputs()(dict(gt=image)) for _ in range(2)]
    data_batch = dict(inputs=[p['inputs'] for p in packed], data_samples=[p['data_samples'] for p in packed])
    runner = SimpleNamespace(model=model, visualizer=CapturingVisualizer(), iter=0)
    before = {name: buffer.clone() for name, buffer in model.generator.named_buffers()}
    assert any('running_mean' in name for name in before)

    BEGANReconstructionHook(interval=1, n_samples=2).after_train_iter(runner, 0, data_batch)

    assert ('reconstruction', 1) in runner.visualizer.images
    for name, buffer in model.generator.named_buffers():
        assert torch.equal(buffer, before[name]), name
