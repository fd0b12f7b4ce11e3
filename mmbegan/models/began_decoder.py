"""The BEGAN decoder: BEGAN's generator and the decoder half of its discriminator."""
from typing import Optional

import torch
from torch import Tensor, nn

from .began_network import conv3x3, conv_elu


class BEGANDecoder(nn.Module):
    """Map a code to an image: FC to 8×8×n (no non-linearity), then per scale ``num_convs`` 3×3 convs with ELU,
    nearest-neighbour ×2 upsampling between scales, and a final 3×3 conv to the image channels.

    With ``skip_connections`` the 8×8 projection h0 is upsampled and concatenated to the features after every
    upsampling (paper Sec. 3.5.1), so the first conv of each later scale takes 2n channels.
    """

    def __init__(self, scales: int, out_channels: int, base_channels: int, in_features: int, num_convs: int,
                 skip_connections: bool):
        super().__init__()
        n = base_channels
        self.base_channels = n
        self.skip_connections = skip_connections
        self.fc = nn.Linear(in_features, 8 * 8 * n)
        self.blocks = nn.ModuleList()
        for scale_idx in range(scales):
            first_in = 2 * n if skip_connections and scale_idx > 0 else n
            self.blocks.append(
                nn.ModuleList([conv3x3(first_in if i == 0 else n, n) for i in range(num_convs)]))
        self.conv_out = conv3x3(n, out_channels)

    def forward(self, code: Tensor, carry: Optional[Tensor] = None) -> Tensor:
        """Decode ``code`` (N×in_features) into an N×C×H×W image; ``carry`` enables vanishing residuals."""
        h0 = self.fc(code).view(-1, self.base_channels, 8, 8)
        x = h0
        for scale_idx, convs in enumerate(self.blocks):
            if scale_idx > 0:
                x = nn.functional.interpolate(x, scale_factor=2, mode='nearest')
                if self.skip_connections:
                    skip = nn.functional.interpolate(h0, size=x.shape[-2:], mode='nearest')
                    x = torch.cat([x, skip], dim=1)
            for conv in convs:
                x = conv_elu(conv, x, carry)
        return self.conv_out(x)
