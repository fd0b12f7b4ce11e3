"""close_distributed ends a job's process group once every rank has arrived, and does nothing without one;
exit_rank ends the process with its output flushed; end_launched_rank does both, and nothing without a group."""
import os
import sys

import pytest
import torch.distributed as dist

from mmbegan.engine import close_distributed, end_launched_rank, exit_rank


def test_close_distributed_ends_the_group(tmp_path):
    assert close_distributed() is False  # no group: nothing to do
    end_launched_rank(5)  # not launched: returns
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0, world_size=1)
    assert dist.is_initialized()
    assert close_distributed() is True
    assert not dist.is_initialized()
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store2"}', rank=0, world_size=1)
    close_distributed(timeout=1.0)
    assert not dist.is_initialized()


@pytest.mark.parametrize('launched', [False, True])
def test_a_rank_ends_with_its_output_flushed_and_its_code(tmp_path, launched):
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
            if launched:  # returning instead of exiting would end the child with 99
                dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0, world_size=1)
                end_launched_rank(3)
            else:
                exit_rank(3)
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3 and out.read_text() == 'printed'
