"""tools/analysis_tools/chaos_test.py in its short form (CI): five faults of all three kinds survived, the end state
bit-identical to an uninterrupted run."""
import pytest

from tools.analysis_tools.chaos_test import main, plan_faults


def test_the_fault_plan_is_seeded_and_has_every_kind():
    plan = plan_faults(6, 300, 20, 2, seed=0)
    assert plan == plan_faults(6, 300, 20, 2, seed=0) != plan_faults(6, 300, 20, 2, seed=1)
    assert {fault['kind'] for fault in plan} == {'sigterm', 'sigkill', 'failed_save'}
    iterations = [fault['iteration'] for fault in plan]
    assert iterations == sorted(set(iterations)) and 1 < iterations[0] and iterations[-1] < 300
    assert all(fault['iteration'] % 20 == 0 for fault in plan if fault['kind'] == 'failed_save')
    with pytest.raises(ValueError, match='at least 3'):
        plan_faults(2, 300, 20, 2, seed=0)


@pytest.mark.integration
def test_chaos_short_form(tmp_path, capsys):
    # seed 9: SIGTERM at 6; SIGKILL at 7 (restart before the launch's first checkpoint: back to --resume's
    # iter_6); failed save of iter_15 (iter_10 intact); SIGKILL at 24 (restart from iter_20); failed save of iter_25
    status = main(['--iters', '30', '--interval', '5', '--faults', '5', '--seed', '9', '--width', '4',
                   '--images', '16', '--work-dir', str(tmp_path / 'chaos')])
    out = capsys.readouterr().out
    assert status == 0, out
    assert 'faults injected: 5 of 5 planned; survived: 5' in out
    assert 'torchrun restart 1: this job has written no complete checkpoint' in out
    assert 'torchrun restart 1: resuming from' in out
    assert 'bit-identical to the uninterrupted run' in out and 'chaos test PASSED' in out
