"""The small auto-encoder discriminator that Lucic et al. (2018) trained BEGAN with."""
import math
from typing import Optional, Tuple, Union

from mmagic.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

from .began_network import check_image_channels, check_images, check_positive_int

NORMAL_INIT = dict(type='Normal', std=0.02, layer=['Conv2d', 'ConvTranspose2d', 'Linear'])


@MODELS.register_module()
class BEGANSmallDiscriminator(BaseModule):
    """BEGAN's auto-encoder discriminator in the small form of Lucic et al., "Are GANs Created Equal?"
    (NeurIPS 2018), whose study holds the only published BEGAN FIDs (Fashion-MNIST 22.9).

    Encoder: two 4×4 stride-2 convs (n and 2n channels, leaky ReLU 0.2 after the first), a fully connected
    bottleneck h of ``embedding_size`` with leaky ReLU; decoder: a fully connected layer back to 2n × s/4 × s/4,
    two 4×4 stride-2 transposed convs (n channels, then the image's) and tanh, the [−1, 1] counterpart of their
    sigmoid on [0, 1] images. Without the paper's 3×3 convs at full resolution it costs about half of
    :class:`BEGANDiscriminator` with n = 32 per Fashion-MNIST iteration on a CPU.

    Args:
        input_scale (int): image size, a multiple of 4.
        in_channels (int): 1 (grayscale) or 3 (RGB). Defaults to 3.
        base_channels (int): n. Defaults to 64, as theirs.
        embedding_size (int): Nh, the size of the bottleneck h. Defaults to 64.
        init_cfg (dict, optional): an mmengine init config; defaults to normal weights with std 0.02 and zero
            biases, as theirs.
    """

    def __init__(self, input_scale: int, in_channels: int = 3, base_channels: int = 64, embedding_size: int = 64,
                 init_cfg: Optional[dict] = NORMAL_INIT):
        super().__init__(init_cfg=init_cfg)
        if isinstance(input_scale, bool) or not isinstance(input_scale, int) or input_scale < 4 or input_scale % 4:
            raise ValueError(f'input_scale must be a positive multiple of 4, got {input_scale!r}')
        check_image_channels(in_channels, 'in_channels')
        check_positive_int(base_channels, 'base_channels')
        check_positive_int(embedding_size, 'embedding_size')
        self.input_scale = input_scale
        self.in_channels = in_channels
        self.embedding_size = embedding_size
        code_shape = (2 * base_channels, input_scale // 4, input_scale // 4)
        code_size = math.prod(code_shape)
        self.encoder = nn.Sequential(
            nn.Conv2d(in_channels, base_channels, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(base_channels, 2 * base_channels, 4, stride=2, padding=1), nn.Flatten(),
            nn.Linear(code_size, embedding_size), nn.LeakyReLU(0.2))
        self.decoder = nn.Sequential(
            nn.Linear(embedding_size, code_size), nn.LeakyReLU(0.2), nn.Unflatten(1, code_shape),
            nn.ConvTranspose2d(2 * base_channels, base_channels, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(base_channels, in_channels, 4, stride=2, padding=1), nn.Tanh())

    def forward(self, x: Tensor, return_embedding: bool = False) -> Union[Tensor, Tuple[Tensor, Tensor]]:
        """Reconstruct ``x`` (N×C×s×s); with ``return_embedding`` also the bottleneck h (N×embedding_size)."""
        check_images(x, self.in_channels, self.input_scale, type(self).__name__)
        embedding = self.encoder(x)
        recon = self.decoder(embedding)
        return (recon, embedding) if return_embedding else recon
