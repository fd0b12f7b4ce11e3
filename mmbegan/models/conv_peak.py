"""The speed a conv shape reaches alone: the ceiling a training step's FLOP rate is compared with."""
import copy
import time
from contextlib import nullcontext
from typing import Callable, ContextManager

import torch
from torch import nn

from .step_flops import Layer


def no_context(module: nn.Module) -> Callable[[], ContextManager]:
    """The default of :func:`measure_conv`: nothing around the convolution (fp32)."""
    return nullcontext


def measure_conv(layer: Layer, batch_size: int, device: str, channels_last: bool, warmup: int, iters: int,
                 backward: bool = False,
                 context: Callable[[nn.Module], Callable[[], ContextManager]] = no_context) -> float:
    """GFLOP/s of a copy of ``layer``'s conv on a random batch: its forward without gradients, or with
    ``backward`` its forward and backward (input and weight gradients: 3× the forward's FLOPs), as in training.

    ``context(conv)``, called once, gives the context factory that wraps every call, e.g. an optimizer wrapper's
    ``optim_context`` for the precision trained in.
    """
    fresh = copy.deepcopy(layer.module).to(device)  # same class and hyperparameters (Conv2d, ConvTranspose2d)
    x = torch.randn(batch_size, *layer.in_shape, device=device)
    if channels_last:
        fresh, x = fresh.to(memory_format=torch.channels_last), x.to(memory_format=torch.channels_last)
    x.requires_grad_(backward)
    enter = context(fresh)

    def call() -> None:
        with enter(), torch.set_grad_enabled(backward):
            out = fresh(x)
        if backward:  # the gradients a training step needs, computed without accumulating into .grad
            torch.autograd.grad(out, [x, *fresh.parameters()], torch.ones_like(out))

    for _ in range(warmup):
        call()
    if device == 'cuda':
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(iters):
        call()
    if device == 'cuda':
        torch.cuda.synchronize()
    passes = 3 if backward else 1
    return passes * 2 * layer.macs * batch_size * iters / (time.perf_counter() - start) / 1e9
