"""Weights-only loading of mmengine checkpoints under torch >= 2.6.

torch 2.6 made ``torch.load(weights_only=True)`` the default, and mmengine 0.10.7 calls ``torch.load`` without
the argument, so its own checkpoints (which hold a ``HistoryBuffer`` and numpy arrays in the message hub) are
refused. Instead of disabling the safety for every load, we allow-list exactly the globals such checkpoints
contain. A pickle that names any other global is still refused by torch, before anything is executed.
"""
import pickle

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

try:
    from numpy._core import multiarray  # numpy 2's name (numpy 1.26 has it as an alias)
except ImportError:
    from numpy.core import multiarray  # numpy < 1.26


def numpy_checkpoint_globals() -> list:
    """The numpy functions and types that pickles of numpy arrays, scalars and dtypes refer to.

    numpy 2 moved ``numpy.core`` to ``numpy._core`` and its pickles name the new module (numpy 1.26 reads them
    through an alias), so the two functions are allowed under both names: a checkpoint written with either
    numpy loads with the other.
    """
    dtype_classes = [getattr(np.dtypes, name) for name in dir(np.dtypes) if name.endswith('DType')]
    functions = [(func, f'{module}.multiarray.{func.__name__}') for func in (multiarray._reconstruct, multiarray.scalar)
                 for module in ('numpy.core', 'numpy._core')]
    return [*functions, np.ndarray, np.dtype, *dtype_classes]


# HistoryBuffer registers these lazily (on first instantiation), so a fresh process may not list them yet.
BUILTIN_STATISTICS = {'min', 'max', 'current', 'mean'}


def history_buffer_getattr(obj, name: str):
    """Stand-in for ``builtins.getattr`` during weights-only loading.

    A pickled ``HistoryBuffer`` refers to its statistics methods as ``getattr(HistoryBuffer, 'mean')``; a
    general getattr would let a crafted file reach any attribute of any allowed object, so only those
    lookups are answered.
    """
    allowed = BUILTIN_STATISTICS | set(HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and name in allowed:
        return getattr(obj, name)
    raise pickle.UnpicklingError(f'refusing getattr({obj!r}, {name!r}) in a checkpoint: only HistoryBuffer '
                                 f'statistics ({sorted(allowed)}) may be looked up')


def register_checkpoint_globals() -> None:
    """Allow-list the globals of mmengine / mmagic checkpoints for torch's weights-only unpickler."""
    torch.serialization.add_safe_globals(
        [HistoryBuffer, *numpy_checkpoint_globals(), (history_buffer_getattr, 'builtins.getattr')])
