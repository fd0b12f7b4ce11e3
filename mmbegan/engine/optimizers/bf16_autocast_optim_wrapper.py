"""Mixed precision on CPU: bf16 autocast inside mmengine's OptimWrapper."""
from contextlib import contextmanager, nullcontext

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS
from torch import nn

from .bf16_emulation import EmulatedBF16Kernels


def cpu_bf16_supported() -> bool:
    """Whether a bf16 autocast convolution runs on this CPU (and PyTorch build)."""
    try:
        with torch.autocast('cpu', dtype=torch.bfloat16):
            out = nn.functional.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3))
        return out.dtype == torch.bfloat16
    except RuntimeError:
        return False


@OPTIM_WRAPPERS.register_module()
class BF16AutocastOptimWrapper(OptimWrapper):
    """OptimWrapper whose ``optim_context`` runs the forward under CPU bf16 autocast.

    mmengine's ``AmpOptimWrapper`` asserts a CUDA/NPU/MLU device; bf16 keeps fp32's exponent range, so no loss
    scaling is needed. Parameters and optimizer state stay fp32. ``emulate=True`` computes the bf16 convolutions and
    matrix products with fp32 kernels (:class:`EmulatedBF16Kernels`): bf16's numbers at fp32's speed on a CPU
    without native bf16, for checking bf16's effect on training.
    """

    def __init__(self, *args, emulate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.emulate = emulate
        if not cpu_bf16_supported():
            raise RuntimeError('bf16 autocast is not supported on this CPU / PyTorch build; train without --amp')

    @contextmanager
    def optim_context(self, model: nn.Module):
        """Gradient-accumulation context of OptimWrapper plus bf16 autocast (emulated if ``emulate``)."""
        with super().optim_context(model), torch.autocast('cpu', dtype=torch.bfloat16), \
                (EmulatedBF16Kernels() if self.emulate else nullcontext()):
            yield
