"""Pieces shared by the BEGAN generator and the auto-encoder discriminator."""
import math
from typing import Optional

import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModule
from torch import Tensor, nn

from .elu import elu

INIT_TYPES = ('author', 'pytorch')


def num_scales(scale: int, name: str) -> int:
    """Return the number of 8·2^i resolutions from 8 px up to ``scale``.

    BEGAN networks start or end at 8×8, so ``scale`` must be a power of two of at least 16.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 16 or scale & (scale - 1):
        raise ValueError(f'{name} must be a power of two >= 16 (16, 32, 64, 128, 256, ...), got {scale!r}')
    return int(math.log2(scale)) - 2


def check_positive_int(value: int, name: str) -> None:
    """Raise a ValueError naming ``name`` unless ``value`` is a positive int."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f'{name} must be a positive integer, got {value!r}')


def check_image_channels(value: int, name: str) -> None:
    """BEGAN models grayscale or RGB images only."""
    if value not in (1, 3):
        raise ValueError(f'{name} must be 1 (grayscale) or 3 (RGB), got {value!r}')


def check_images(x: Tensor, channels: int, scale: int, owner: str) -> None:
    """Raise a ValueError that names the mismatch when ``x`` is not a batch of ``channels``×``scale``×``scale``
    images, the input ``owner`` (a discriminator's class name) was built for."""
    expected = (channels, scale, scale)
    if x.ndim != 4 or tuple(x.shape[1:]) != expected:
        raise ValueError(f'{owner} expects images of shape (N, {channels}, {scale}, {scale}) (in_channels, '
                         f'input_scale, input_scale), got {tuple(x.shape)}; check the data pipeline (color_type, '
                         'image size) against the model config')


def conv3x3(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    """3×3 convolution that keeps the size (stride 1) or halves it (stride 2)."""
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)


def conv_elu(conv: nn.Conv2d, x: Tensor, carry: Optional[Tensor]) -> Tensor:
    """ELU(conv(x)), blended as ``carry·x + (1 − carry)·ELU(conv(x))`` when shapes allow.

    The blend is the paper's vanishing residual (Sec. 3.5.1); it applies between same-size layers only.
    """
    out = elu(conv(x))
    if carry is not None and out.shape == x.shape:
        out = torch.lerp(out, x, carry)
    return out


class BEGANNetwork(BaseModule):
    """Base of BEGAN's generator and discriminator: initialisation and the vanishing-residual carry.

    Args:
        vanishing_residual_iters (int, optional): anneal the residual carry linearly from 1 to 0 over this many
            training iterations (read from the runner's iteration counter). None disables the residuals.
        init_type (str): 'author' (truncated normal, std 0.01, zero bias, as in the authors' code) or
            'pytorch' (PyTorch's default initialisation). Both leave G(z) (nearly) the same image for every z at
            the start; the CPU demo uses a variance-preserving Kaiming ``init_cfg`` instead.
        init_cfg (dict, optional): any mmengine init config (e.g. ``dict(type='Kaiming', ...)`` or
            ``Pretrained``); when given it replaces ``init_type``.
    """

    def __init__(self, vanishing_residual_iters: Optional[int] = None, init_type: str = 'author',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if init_type not in INIT_TYPES:
            raise ValueError(f'init_type must be one of {INIT_TYPES}, got {init_type!r}')
        if vanishing_residual_iters is not None:
            check_positive_int(vanishing_residual_iters, 'vanishing_residual_iters')
            self.register_buffer('carry', torch.ones(()))
        self.init_type = init_type
        self.vanishing_residual_iters = vanishing_residual_iters

    def current_carry(self) -> Optional[Tensor]:
        """Carry for this forward pass; in training it follows the runner's iteration counter."""
        if self.vanishing_residual_iters is None:
            return None
        if self.training:
            curr_iter = MessageHub.get_current_instance().get_info('iter')
            if curr_iter is not None:
                self.carry.fill_(max(0.0, 1.0 - curr_iter / self.vanishing_residual_iters))
        return self.carry

    def init_weights(self) -> None:
        """Initialise conv and linear layers by ``init_cfg`` when given, else as chosen by ``init_type``."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                if self.init_type == 'author':
                    nn.init.trunc_normal_(module.weight, std=0.01, a=-0.02, b=0.02)
                    nn.init.zeros_(module.bias)
                else:
                    module.reset_parameters()
