"""Mixed precision for every optimizer of a config: the ``--amp`` of tools/train.py."""
import torch
from mmengine.config import Config

from .bf16_autocast_optim_wrapper import cpu_bf16_supported


def enable_amp(cfg: Config) -> str:
    """Switch every optimizer wrapper of ``cfg`` to mixed precision; returns the kind chosen.

    On CUDA this is mmengine's ``AmpOptimWrapper`` (fp16 with dynamic loss scaling); on CPU it is
    :class:`~mmbegan.engine.BF16AutocastOptimWrapper`, or a clear error where bf16 is not supported.
    """
    if torch.cuda.is_available():
        new_type, extra, kind = 'AmpOptimWrapper', dict(loss_scale='dynamic'), 'cuda fp16'
    elif cpu_bf16_supported():
        new_type, extra, kind = 'BF16AutocastOptimWrapper', {}, 'cpu bf16'
    else:
        raise RuntimeError('--amp: no CUDA device and bf16 autocast does not work on this CPU; '
                           'train without --amp')
    wrappers = [cfg.optim_wrapper] if 'optimizer' in cfg.optim_wrapper else [
        value for value in cfg.optim_wrapper.values() if isinstance(value, dict)]
    for wrapper in wrappers:
        if wrapper.get('type', 'OptimWrapper') not in ('OptimWrapper', new_type):
            raise ValueError(f'--amp needs OptimWrapper, the config uses {wrapper["type"]}')
        wrapper['type'] = new_type
        wrapper.update(extra)
    return kind
