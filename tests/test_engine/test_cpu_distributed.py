"""close_distributed ends a job's process group once every rank has arrived, and does nothing without one;
exit_rank ends the process with its output flushed."""
import os
import sys

import torch.distributed as dist

from mmbegan.engine import close_distributed, exit_rank


def test_close_distributed_ends_the_group(tmp_path):
    assert close_distributed() is False  # no group: nothing to do
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0, world_size=1)
    assert dist.is_initialized()
    assert close_distributed() is True
    assert not dist.is_initialized()
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store2"}', rank=0, world_size=1)
    close_distributed(timeout=1.0)
    assert not dist.is_initialized()


def test_exit_rank_flushes_then_exits_with_the_code(tmp_path):
    # a forked child (no fresh interpreter to start) whose stdout, a file, is block-buffered: without the flush the
    # line would be lost with os._exit
    out = tmp_path / 'stdout'
    pid = os.fork()
    if pid == 0:
        try:
            with open(out, 'w') as f:
                os.dup2(f.fileno(), 1)
            sys.stdout = open(1, 'w', closefd=False)
            print('printed', end='')
            exit_rank(3)
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3 and out.read_text() == 'printed'
