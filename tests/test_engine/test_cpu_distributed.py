"""close_distributed ends a job's process group once every rank has arrived, and does nothing without one;
exit_rank ends the process with its output flushed."""
import subprocess
import sys

import torch.distributed as dist

from mmbegan.engine import close_distributed


def test_close_distributed_ends_the_group(tmp_path):
    assert close_distributed() is False  # no group: nothing to do
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0, world_size=1)
    assert dist.is_initialized()
    assert close_distributed() is True
    assert not dist.is_initialized()
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store2"}', rank=0, world_size=1)
    close_distributed(timeout=1.0)
    assert not dist.is_initialized()


def test_exit_rank_flushes_then_exits_with_the_code():
    # stdout into a pipe is block-buffered: without the flush the line would be lost with os._exit
    script = 'from mmbegan.engine import exit_rank; print("printed", end=""); exit_rank(3)'
    proc = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True)
    assert proc.returncode == 3 and proc.stdout == 'printed', proc.stderr[-2000:]
