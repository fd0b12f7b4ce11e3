"""tools/analysis_tools/fid_speed.py end to end on two images (a smoke test of the tool, not of timings): every
network it times gives the issue date's features."""
import os
import re
import subprocess

import pytest

from tests.helpers import PYTHON, REPO


@pytest.mark.integration
def test_fid_speed_times_every_network_and_compares_features(tmp_path):
    env = dict(os.environ, MMBEGAN_CACHE_DIR=str(tmp_path))  # the current network is built there, as on first use
    proc = subprocess.run([PYTHON, 'tools/analysis_tools/fid_speed.py', '--num', '2', '--rounds', '1'], cwd=REPO,
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name in ('issue date', 'previous', 'one forward', 'current'):
        assert re.search(rf'{name}: +\d+\.\d ms/img', proc.stdout), name
    differences = re.findall(r'(\S+)× the issue date.*max \|f\| = (\S+)', proc.stdout)
    assert len(differences) == 3
    assert all(float(speed) > 0 and float(diff) < 1e-5 for speed, diff in differences)
