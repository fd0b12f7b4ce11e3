"""Training precision for every optimizer of a config: the ``--precision`` (and ``--amp``) of tools/train.py."""
from typing import List, Tuple

import torch
from mmengine.config import Config

from .bf16_autocast_optim_wrapper import cpu_bf16_supported

PRECISIONS = ('fp32', 'auto', 'bf16', 'fp16', 'amp', 'bf16-emulated')


def native_cpu_bf16() -> bool:
    """Whether this CPU has bf16 instructions (AVX-512 BF16 or AMX) that oneDNN uses, the case where bf16 autocast
    pays off. oneDNN also runs bf16 on AVX-512 CPUs without them (``_is_mkldnn_bf16_supported`` says yes there), by
    conversion: the Fashion-MNIST step took 2.2× fp32's time on such a Xeon, about 9× on AVX2."""
    try:
        instructions = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
        return bool(instructions and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def native_cuda_bf16() -> bool:
    """Whether the CUDA device computes bf16 natively (compute capability 8 and later). torch's own check also
    answers yes where bf16 is only emulated (e.g. V100, T4), which is slower there than fp16 AMP."""
    return torch.cuda.is_bf16_supported(including_emulation=False)


def resolve_precision(precision: str) -> Tuple[str, str]:
    """The precision to train in, ``'fp32'``, ``'cpu bf16'``, ``'cpu bf16 emulated'``, ``'cuda fp16'`` or
    ``'cuda bf16'``, and why.

    ``auto`` takes mixed precision only where it is fast: bf16 AMP on a CUDA device that has bf16 (fp16 AMP, as
    mmagic's ``--amp``, on older ones), bf16 autocast on a CPU with native bf16, fp32 elsewhere; bf16 is the mixed
    precision whose sample quality was checked against fp32. ``amp`` is ``--amp``: fp16 on CUDA, bf16 on any CPU
    that runs it.
    ``bf16-emulated`` is CPU bf16 autocast whose convolutions run as fp32 kernels on bf16-rounded numbers: native
    bf16's results at fp32's speed where bf16 is not native, to check bf16's effect on training.
    """
    if precision not in PRECISIONS:
        raise ValueError(f'precision must be one of {", ".join(PRECISIONS)}; got {precision!r}')
    cuda = torch.cuda.is_available()
    if precision == 'fp32':
        return 'fp32', 'asked for'
    if precision == 'auto':
        if cuda and native_cuda_bf16():
            return 'cuda bf16', 'auto: a CUDA device with bf16, the mixed precision checked against fp32'
        if cuda:
            return 'cuda fp16', "auto: a CUDA device without bf16 (fp16 AMP, as mmagic's --amp)"
        if native_cpu_bf16():
            return 'cpu bf16', 'auto: this CPU computes bf16 natively'
        return 'fp32', (f'auto: no CUDA device and no native bf16 on this CPU '
                        f'({torch.backends.cpu.get_cpu_capability()})')
    if precision == 'fp16' and not cuda:
        raise RuntimeError('precision fp16: needs a CUDA device (fp16 on CPU is not supported); use bf16 or fp32')
    if precision == 'bf16-emulated':
        if cuda:
            raise RuntimeError('precision bf16-emulated: emulates CPU bf16 autocast; on CUDA use bf16')
        return 'cpu bf16 emulated', 'asked for: bf16 numbers from fp32 kernels, not faster than fp32'
    if cuda and precision == 'bf16':
        return 'cuda bf16', 'asked for' + ('' if native_cuda_bf16() else ' (emulated on this GPU: slower than fp16)')
    if cuda:
        return 'cuda fp16', 'asked for'
    if not cpu_bf16_supported():
        raise RuntimeError(f'precision {precision}: no CUDA device and bf16 autocast does not work on this CPU; '
                           'train in fp32')
    note = '' if native_cpu_bf16() else ' (emulated on this CPU: slower than fp32)'
    return 'cpu bf16', 'asked for' + note


def optim_wrapper_cfgs(cfg: Config) -> List[dict]:
    """The optimizer wrapper configs of ``cfg``: the one wrapper, or each of a GAN's wrappers."""
    if 'optimizer' in cfg.optim_wrapper:
        return [cfg.optim_wrapper]
    return [value for value in cfg.optim_wrapper.values() if isinstance(value, dict)]


def set_precision(cfg: Config, precision: str) -> str:
    """Switch every optimizer wrapper of ``cfg`` to ``precision`` (see :func:`resolve_precision`); returns a line
    for the log that names the precision chosen and why.

    CUDA uses mmengine's ``AmpOptimWrapper`` (fp16 with dynamic loss scaling, or bf16); CPU bf16 uses
    :class:`~mmbegan.engine.BF16AutocastOptimWrapper`. Weights and optimizer state stay fp32 in every case.
    """
    kind, why = resolve_precision(precision)
    if kind != 'fp32':
        new_type, extra = {
            'cuda fp16': ('AmpOptimWrapper', dict(loss_scale='dynamic')),
            'cuda bf16': ('AmpOptimWrapper', dict(dtype='bfloat16')),
            'cpu bf16': ('BF16AutocastOptimWrapper', {}),
            'cpu bf16 emulated': ('BF16AutocastOptimWrapper', dict(emulate=True)),
        }[kind]
        for wrapper in optim_wrapper_cfgs(cfg):
            if wrapper.get('type', 'OptimWrapper') not in ('OptimWrapper', new_type):
                raise ValueError(f'precision {precision}: mixed precision needs OptimWrapper, the config uses '
                                 f'{wrapper["type"]}')
            wrapper['type'] = new_type
            wrapper.update(extra)
    return f'precision: {kind} ({why})'
