"""Starting torch.distributed where mmengine cannot (CPU-only machines), and ending it cleanly on any device."""
import torch
import torch.distributed as dist


def init_cpu_distributed(launcher: str) -> bool:
    """Start a gloo process group for a launched job on a machine without CUDA.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` unconditionally, which fails without a GPU; once a
    group exists, the Runner skips it. Returns True when this function started the group.
    """
    if launcher == 'none' or torch.cuda.is_available() or dist.is_initialized():
        return False
    if launcher != 'pytorch':
        raise ValueError(f'CPU distributed training supports --launcher pytorch (torchrun) only, got {launcher!r}')
    dist.init_process_group(backend='gloo')
    return True


def close_distributed(wait: bool = True) -> None:
    """End the job's process group, after a barrier if ``wait``, so that no rank tears gloo down while another still
    uses it: without this, a rank finishing first made its peer abort at exit ("terminate called without an active
    exception", SIGABRT) on a loaded 2-core machine, failing a run whose training had completed."""
    if not dist.is_initialized():
        return
    if wait:
        dist.barrier()
    dist.destroy_process_group()
