"""Build a model from a config and load a checkpoint into it, strictly."""
from typing import Union

from mmagic.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn

from mmbegan.utils.checkpoint_check import check_checkpoint_fits


def load_model(config: Union[str, Config], checkpoint: str, device: str = 'cpu') -> nn.Module:
    """The model of ``config`` with the weights (and k_t) of ``checkpoint``, in eval mode on ``device``.

    Unlike mmagic's ``init_model``, a checkpoint of another architecture is an error that names the keys.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    init_default_scope(cfg.get('default_scope', 'mmagic'))
    model = MODELS.build(cfg.model)
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    state_dict = ckpt.get('state_dict', ckpt)
    check_checkpoint_fits(model, state_dict, checkpoint)
    model.load_state_dict(state_dict)
    model.cfg = cfg
    return model.to(device).eval()
