"""mmagic's separate-DDP wrapper, usable on CPU (gloo) as well as on GPUs."""
import torch.nn as nn
from mmengine.device import get_device
from mmengine.model import MMSeparateDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class DeviceAwareSeparateDDP(MMSeparateDistributedDataParallel):
    """``MMSeparateDistributedDataParallel`` that drops ``device_ids`` / ``output_device`` on CPU.

    mmengine's Runner always passes ``device_ids=[LOCAL_RANK]``, which torch's DDP rejects for CPU modules;
    on GPUs this wrapper behaves exactly like mmagic's default one.
    """

    def __init__(self, module: nn.Module, broadcast_buffers: bool = False, find_unused_parameters: bool = False,
                 **kwargs):
        if get_device() == 'cpu':
            kwargs.pop('device_ids', None)
            kwargs.pop('output_device', None)
        super().__init__(module, broadcast_buffers=broadcast_buffers,
                         find_unused_parameters=find_unused_parameters, **kwargs)
