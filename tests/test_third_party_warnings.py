"""mmbegan.third_party_warnings: the known import-time warnings of mmagic's dependencies are silenced, others not."""
import subprocess

from tests.helpers import PYTHON, REPO

SCRIPT = """
import warnings
import mmbegan
import mmagic.apis.inferencers
warnings.warn('ours', FutureWarning)
"""


def test_known_import_warnings_are_silenced_and_others_still_show():
    proc = subprocess.run([PYTHON, '-c', SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for known in ('_register_pytree_node', 'timm.models', 'mediapipe', 'Overwriting tiny_vit'):
        assert known not in proc.stderr, known
    assert 'FutureWarning: ours' in proc.stderr
