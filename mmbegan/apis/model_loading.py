"""Build a model from a config and load a checkpoint into it, strictly."""
from typing import Union

from mmagic.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn


def load_model(config: Union[str, Config], checkpoint: str, device: str = 'cpu') -> nn.Module:
    """The model of ``config`` with the weights (and k_t) of ``checkpoint``, in eval mode on ``device``.

    Unlike mmagic's ``init_model`` the load is strict: a checkpoint of another architecture is an error.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    init_default_scope(cfg.get('default_scope', 'mmagic'))
    model = MODELS.build(cfg.model)
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    model.load_state_dict(ckpt.get('state_dict', ckpt))
    model.cfg = cfg
    return model.to(device).eval()
