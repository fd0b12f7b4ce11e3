"""BEGAN's auto-encoder discriminator."""
from typing import Optional, Tuple, Union

from mmagic.registry import MODELS
from torch import Tensor

from .began_decoder import BEGANDecoder
from .began_encoder import BEGANEncoder
from .began_network import BEGANNetwork, check_image_channels, check_images, check_positive_int, num_scales


@MODELS.register_module()
class BEGANDiscriminator(BEGANNetwork):
    """The discriminator of `BEGAN <https://arxiv.org/abs/1703.10717>`_: an auto-encoder whose reconstruction
    error is the energy of an image.

    Args:
        input_scale (int): image size, a power of two >= 16.
        in_channels (int): 1 (grayscale) or 3 (RGB). Defaults to 3.
        base_channels (int): n; encoder widths grow n, 2n, 3n, ...; the decoder keeps n. Defaults to 64.
        embedding_size (int): Nh, the size of the bottleneck h. Defaults to 64.
        num_convs (int): 3×3 convs per scale in the decoder; the encoder uses ``num_convs − 1`` plus the
            stride-2 conv. Defaults to 2.
        skip_connections (bool): decoder skip connections (Sec. 3.5.1).
        vanishing_residual_iters (int, optional): see :class:`BEGANNetwork`.
        init_type (str): 'author' or 'pytorch', see :class:`BEGANNetwork`.
        init_cfg (dict, optional): an mmengine init config that replaces ``init_type``.
    """

    def __init__(self, input_scale: int, in_channels: int = 3, base_channels: int = 64, embedding_size: int = 64,
                 num_convs: int = 2, skip_connections: bool = False,
                 vanishing_residual_iters: Optional[int] = None, init_type: str = 'author',
                 init_cfg: Optional[dict] = None):
        super().__init__(vanishing_residual_iters, init_type, init_cfg)
        scales = num_scales(input_scale, 'input_scale')
        check_image_channels(in_channels, 'in_channels')
        for value, name in ((base_channels, 'base_channels'), (embedding_size, 'embedding_size'),
                            (num_convs, 'num_convs')):
            check_positive_int(value, name)
        self.input_scale = input_scale
        self.in_channels = in_channels
        self.embedding_size = embedding_size
        self.encoder = BEGANEncoder(scales, in_channels, base_channels, embedding_size, num_convs)
        self.decoder = BEGANDecoder(scales, in_channels, base_channels, embedding_size, num_convs,
                                    skip_connections)

    def forward(self, x: Tensor, return_embedding: bool = False) -> Union[Tensor, Tuple[Tensor, Tensor]]:
        """Reconstruct ``x``: D(x), with the same shape as ``x``; with ``return_embedding`` also the bottleneck
        h = Enc(x) (N×embedding_size), which BEGAN-CS's latent constraint compares with z."""
        check_images(x, self.in_channels, self.input_scale, type(self).__name__)
        carry = self.current_carry()
        embedding = self.encoder(x, carry)
        recon = self.decoder(embedding, carry)
        return (recon, embedding) if return_embedding else recon
