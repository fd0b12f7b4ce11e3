"""close_distributed ends a job's process group once every rank has arrived, and does nothing without one."""
import torch.distributed as dist

from mmbegan.engine import close_distributed


def test_close_distributed_ends_the_group(tmp_path):
    close_distributed()  # no group: nothing to do
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0, world_size=1)
    assert dist.is_initialized()
    close_distributed()
    assert not dist.is_initialized()
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store2"}', rank=0, world_size=1)
    close_distributed(timeout=1.0)
    assert not dist.is_initialized()
