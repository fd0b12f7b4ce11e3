"""A clear error for checkpoints that do not fit the model (mmengine loads with strict=False and only warns)."""
from typing import Dict, List

from mmengine.model import is_model_wrapper
from torch import Tensor, nn


def wrapped_children(model: nn.Module) -> List[str]:
    """Names of ``model``'s children that a distributed wrapper may wrap (mmagic's separate DDP wraps
    ``generator`` and ``discriminator`` one by one, which inserts ``module.`` into their keys)."""
    names = []
    for name, child in model.named_children():
        inner = child.module if is_model_wrapper(child) else child
        if not isinstance(getattr(inner, 'module', None), nn.Module):  # e.g. not an EMA model's own .module
            names.append(name)
    return names


def strip_wrapper_keys(model: nn.Module, state_dict: Dict[str, Tensor], prefix: str = '') -> None:
    """Rename ``<prefix><child>.module.<rest>`` to ``<prefix><child>.<rest>`` in place, so checkpoints of
    wrapped (distributed) and plain runs have the same keys and load into either."""
    for name in wrapped_children(model):
        wrapped = f'{prefix}{name}.module.'
        for key in [k for k in state_dict if k.startswith(wrapped)]:
            state_dict[f'{prefix}{name}.{key[len(wrapped):]}'] = state_dict.pop(key)


def state_dict_mismatches(model: nn.Module, state_dict: Dict[str, Tensor]) -> List[str]:
    """Human-readable differences between ``model``'s state and ``state_dict`` (empty when they fit)."""
    own = model.state_dict()
    lines = []
    missing = sorted(set(own) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(own))
    shapes = sorted(key for key in set(own) & set(state_dict)
                    if tuple(own[key].shape) != tuple(getattr(state_dict[key], 'shape', ())))
    if missing:
        lines.append(f'missing in checkpoint ({len(missing)}): {", ".join(missing[:8])}')
    if unexpected:
        lines.append(f'not in the model ({len(unexpected)}): {", ".join(unexpected[:8])}')
    for key in shapes[:8]:
        lines.append(f'{key}: checkpoint {tuple(state_dict[key].shape)}, model {tuple(own[key].shape)}')
    if len(shapes) > 8:
        lines.append(f'... and {len(shapes) - 8} more keys with other shapes')
    return lines


def check_checkpoint_fits(model: nn.Module, state_dict: Dict[str, Tensor]) -> None:
    """Raise a ValueError that names the differing keys when ``state_dict`` was saved by another architecture."""
    lines = state_dict_mismatches(model, state_dict)
    if lines:
        raise ValueError('the checkpoint does not match the model built from the config '
                         '(another architecture or config?):\n  ' + '\n  '.join(lines))
