"""mmbegan.numpy_compat: mmagic imports under numpy 2, simulated on numpy 1 by taking ``np.bool8`` away."""
import subprocess

import pytest

from tests.helpers import PYTHON, REPO

SCRIPT = """
import numpy as np
getattr(np, '__deprecated_attrs__', {{}}).pop('bool8', None)  # numpy 1.24-1.26 serve it from here
if 'bool8' in np.__dict__:
    del np.bool8
assert not hasattr(np, 'bool8'), 'np.bool8 is still there: not numpy 2 as simulated'
{imports}
import mmagic.models
assert np.bool8 is np.bool_
"""


@pytest.mark.parametrize('imports, works', [('import mmbegan', True), ('', False)], ids=['mmbegan-first', 'without'])
def test_mmagic_imports_without_np_bool8_once_mmbegan_is_imported(imports, works):
    proc = subprocess.run([PYTHON, '-c', SCRIPT.format(imports=imports)], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert (proc.returncode == 0) == works, proc.stderr[-2000:]
    if not works:
        assert "has no attribute 'bool8'" in proc.stderr
