"""The speed a conv shape reaches alone: the ceiling a training step's FLOP rate is compared with."""
import time

import torch
from torch import nn

from .step_flops import Layer


def measure_conv(layer: Layer, batch_size: int, device: str, channels_last: bool, warmup: int,
                 iters: int) -> float:
    """GFLOP/s of the forward of a fresh conv of ``layer``'s shape on a random batch, without gradients."""
    conv = layer.module
    fresh = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                      groups=conv.groups).to(device)
    x = torch.randn(batch_size, *layer.in_shape, device=device)
    if channels_last:
        fresh, x = fresh.to(memory_format=torch.channels_last), x.to(memory_format=torch.channels_last)
    with torch.no_grad():
        for _ in range(warmup):
            fresh(x)
        if device == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(iters):
            fresh(x)
        if device == 'cuda':
            torch.cuda.synchronize()
    return 2 * layer.macs * batch_size * iters / (time.perf_counter() - start) / 1e9
