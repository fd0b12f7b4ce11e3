"""The encoder half of BEGAN's auto-encoder discriminator."""
from typing import Optional

from torch import Tensor, nn

from .began_network import conv3x3, conv_elu
from .elu import elu


class BEGANEncoder(nn.Module):
    """Map an image to the embedding h, in the authors' layout.

    A 3×3 conv lifts the image to n channels; then, per downsampling step, ``num_convs − 1`` 3×3 convs with
    ELU at the current width w, and a stride-2 3×3 conv from w to w + n (no ELU), so widths grow linearly
    (n, 2n, 3n, ...) down to 8×8; an FC layer with no non-linearity gives h.
    """

    def __init__(self, scales: int, in_channels: int, base_channels: int, embedding_size: int, num_convs: int):
        super().__init__()
        n = base_channels
        self.conv_in = conv3x3(in_channels, n)
        self.blocks = nn.ModuleList()
        self.downsamples = nn.ModuleList()
        for step in range(scales - 1):
            width = (step + 1) * n
            self.blocks.append(nn.ModuleList([conv3x3(width, width) for _ in range(num_convs - 1)]))
            self.downsamples.append(conv3x3(width, width + n, stride=2))
        self.fc = nn.Linear(8 * 8 * scales * n, embedding_size)

    def forward(self, img: Tensor, carry: Optional[Tensor] = None) -> Tensor:
        """Encode an N×C×H×W image into N×embedding_size; ``carry`` enables vanishing residuals."""
        x = elu(self.conv_in(img))
        for convs, down in zip(self.blocks, self.downsamples):
            for conv in convs:
                x = conv_elu(conv, x, carry)
            x = down(x)
        return self.fc(x.flatten(1))
