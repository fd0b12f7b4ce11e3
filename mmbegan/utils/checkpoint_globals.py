"""Weights-only loading of mmengine checkpoints under torch >= 2.6.

torch 2.6 made ``torch.load(weights_only=True)`` the default, and mmengine 0.10.7 calls ``torch.load`` without
the argument, so its own checkpoints (which hold a ``HistoryBuffer`` and numpy arrays in the message hub) are
refused. Instead of disabling the safety for every load, we allow-list exactly the globals such checkpoints
contain. A pickle that names any other global is still refused by torch, before anything is executed.
"""
import numpy as np
import torch
from mmengine.logging import HistoryBuffer


def numpy_checkpoint_globals() -> list:
    """The numpy functions and types that pickles of numpy arrays, scalars and dtypes refer to."""
    multiarray = np.core.multiarray
    dtype_classes = [getattr(np.dtypes, name) for name in dir(np.dtypes) if name.endswith('DType')]
    return [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype, *dtype_classes]


def register_checkpoint_globals() -> None:
    """Allow-list the globals of mmengine / mmagic checkpoints for torch's weights-only unpickler."""
    torch.serialization.add_safe_globals([HistoryBuffer, *numpy_checkpoint_globals()])
