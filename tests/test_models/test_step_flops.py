"""Analytic step FLOPs and the conv shapes the benchmark's layer roofline measures."""
import pytest
from mmagic.models import DataPreprocessor
from torch import nn

from mmbegan.models import BEGAN
from mmbegan.models.conv_peak import measure_conv
from mmbegan.models.step_flops import CONV_LAYERS, conv_shapes, describe, forward_passes, step_flops, trace_layers

GEN = dict(type='DCGANGenerator', output_scale=16, out_channels=1, base_channels=8, noise_size=8)
DISC = dict(type='BEGANDiscriminator', input_scale=16, in_channels=1, base_channels=4, embedding_size=8)


@pytest.fixture(scope='module')
def model() -> BEGAN:
    began = BEGAN(GEN, DISC, data_preprocessor=DataPreprocessor())
    began.init_weights()
    return began


def test_conv_shapes_cover_every_conv_and_transposed_conv_most_work_first(model):
    layers, _ = trace_layers(model)
    passes = forward_passes(model)
    shapes = conv_shapes(layers, passes)
    works = [shape.step_macs for shape in shapes]
    assert works == sorted(works, reverse=True)
    # G's transposed convs (mmcv's subclass of nn.ConvTranspose2d here) are in the roofline too
    for kind in CONV_LAYERS:
        assert any(isinstance(shape.layer.module, kind) for shape in shapes), kind
    conv_macs = sum(layer.macs * passes[layer.network] for layer in layers
                    if isinstance(layer.module, CONV_LAYERS))
    assert sum(works) == pytest.approx(conv_macs)


def test_step_flops_names_the_shape_with_most_work(model):
    flops, shapes, image_shape = step_flops(model, batch_size=4)
    assert image_shape == (1, 16, 16)
    assert flops['dominant_conv'] == describe(shapes[0].layer)
    # the convs' part of the step, 2 FLOPs per MAC for every image, never exceeds the whole step
    assert 0 < 2 * 4 * sum(shape.step_macs for shape in shapes) <= flops['step']


def test_conv_rate_is_measured_for_a_transposed_conv(model):
    _, shapes, _ = step_flops(model, batch_size=2)
    transposed = next(shape.layer for shape in shapes if isinstance(shape.layer.module, nn.ConvTranspose2d))
    assert 'transposed conv' in describe(transposed)
    for backward in (False, True):
        assert measure_conv(transposed, 2, 'cpu', channels_last=True, warmup=1, iters=2, backward=backward) > 0
