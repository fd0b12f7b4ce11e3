"""bf16 autocast's numbers on a CPU without native bf16: autocast's convolutions and matrix products run as fp32
kernels on bf16-rounded operands, their results rounded to bf16."""
from typing import Any, Callable, Dict, Tuple

import torch
from torch import Tensor
from torch.nn import functional as F
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_map

# the ops bf16 autocast runs in bf16 on CPU and that oneDNN emulates slowly without native bf16
LOW_PRECISION_OPS = frozenset((F.conv1d, F.conv2d, F.conv3d, F.conv_transpose1d, F.conv_transpose2d,
                               F.conv_transpose3d, F.linear, torch.matmul, torch.mm, torch.bmm, torch.addmm,
                               Tensor.matmul, Tensor.__matmul__))


def round_to_bf16(value: Any) -> Any:
    """A float tensor rounded to bf16 and back to fp32 (its gradient is rounded to bf16 the same way); anything
    else unchanged."""
    if isinstance(value, Tensor) and value.is_floating_point():
        return value.to(torch.bfloat16).float()
    return value


class EmulatedBF16Kernels(TorchFunctionMode):
    """Inside CPU bf16 autocast, compute each bf16 convolution or matrix product with fp32 kernels.

    Native bf16 kernels (AVX-512 BF16, AMX) multiply bf16 operands and accumulate in fp32, then round the result
    to bf16; this mode does the same with fp32 kernels, so a CPU that only emulates bf16 (≈ 9× slower than fp32
    on AVX2) reproduces bf16 training's numbers at about fp32 speed. It measures bf16's effect on training (the
    precision parity check); it does not make training faster. Outside autocast it changes nothing.
    """

    def __torch_function__(self, func: Callable, types: Tuple, args: Tuple = (), kwargs: Dict = None) -> Any:
        kwargs = kwargs or {}
        if func not in LOW_PRECISION_OPS or not torch.is_autocast_enabled('cpu'):
            return func(*args, **kwargs)
        with torch.autocast('cpu', enabled=False):
            out = func(*tree_map(round_to_bf16, args), **tree_map(round_to_bf16, kwargs))
        return out.to(torch.bfloat16)
