"""numpy 2 support for mmagic 1.2: its ``mmagic/utils/trans_utils.py`` reads ``np.bool8`` at import, an alias of
``np.bool_`` that numpy 2 removed, so ``import mmagic.models`` fails there. The alias is restored under numpy 2 only.
Imported by ``mmbegan/__init__.py`` before anything imports mmagic (the tools import mmbegan first).
"""
import numpy as np

if not hasattr(np, 'bool8'):
    np.bool8 = np.bool_
