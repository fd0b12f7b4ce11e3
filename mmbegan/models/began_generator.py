"""BEGAN's generator."""
from typing import Callable, Dict, Optional, Union

import torch
from mmagic.registry import MODELS
from torch import Tensor

from .began_decoder import BEGANDecoder
from .began_network import BEGANNetwork, check_image_channels, check_positive_int, num_scales


def uniform_noise(size: tuple) -> Tensor:
    """BEGAN's prior: z uniform in [−1, 1]."""
    return torch.rand(size) * 2 - 1


@MODELS.register_module()
class BEGANGenerator(BEGANNetwork):
    """The generator of `BEGAN <https://arxiv.org/abs/1703.10717>`_: the decoder architecture of the
    discriminator, with its own weights.

    Args:
        output_scale (int): image size, a power of two >= 16.
        out_channels (int): 1 (grayscale) or 3 (RGB). Defaults to 3.
        base_channels (int): n, the width of every conv. Defaults to 64.
        noise_size (int): Nz, the size of z. Defaults to 64.
        num_convs (int): 3×3 convs per scale. Defaults to 2.
        skip_connections (bool): concatenate the upsampled 8×8 projection after every upsampling (Sec. 3.5.1).
        vanishing_residual_iters (int, optional): see :class:`BEGANNetwork`.
        init_type (str): 'author' or 'pytorch', see :class:`BEGANNetwork`.
        init_cfg (dict, optional): an mmengine init config that replaces ``init_type``.
    """

    def __init__(self, output_scale: int, out_channels: int = 3, base_channels: int = 64, noise_size: int = 64,
                 num_convs: int = 2, skip_connections: bool = False,
                 vanishing_residual_iters: Optional[int] = None, init_type: str = 'author',
                 init_cfg: Optional[dict] = None):
        super().__init__(vanishing_residual_iters, init_type, init_cfg)
        scales = num_scales(output_scale, 'output_scale')
        check_image_channels(out_channels, 'out_channels')
        for value, name in ((base_channels, 'base_channels'), (noise_size, 'noise_size'),
                            (num_convs, 'num_convs')):
            check_positive_int(value, name)
        self.output_scale = output_scale
        self.out_channels = out_channels
        self.noise_size = noise_size
        self.decoder = BEGANDecoder(scales, out_channels, base_channels, noise_size, num_convs,
                                    skip_connections)

    def forward(self, noise: Union[Tensor, Callable, None], num_batches: int = 0,
                return_noise: bool = False) -> Union[Tensor, Dict[str, Tensor]]:
        """Generate images from ``noise`` (N×Nz tensor), from a callable sampler, or from U(−1, 1) if None.

        Returns the N×C×H×W images, or ``dict(fake_img, noise_batch)`` when ``return_noise``.
        """
        if isinstance(noise, Tensor):
            noise_batch = noise.flatten(1) if noise.ndim == 4 else noise
            if noise_batch.ndim != 2 or noise_batch.shape[1] != self.noise_size:
                raise ValueError(f'noise must have shape (N, {self.noise_size}), got {tuple(noise.shape)}')
        else:
            if num_batches < 1:
                raise ValueError(f'num_batches must be >= 1 when no noise tensor is given, got {num_batches}')
            sampler = noise if callable(noise) else uniform_noise
            noise_batch = sampler((num_batches, self.noise_size))
        noise_batch = noise_batch.to(self.decoder.fc.weight.device)
        fake_img = self.decoder(noise_batch, self.current_carry())
        if return_noise:
            return dict(fake_img=fake_img, noise_batch=noise_batch)
        return fake_img
