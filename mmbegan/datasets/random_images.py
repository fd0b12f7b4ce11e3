"""Folders of random images: stand-in data for tests and benchmarks when no dataset is at hand."""
import os
import os.path as osp
from typing import Tuple, Union

import cv2
import numpy as np


def write_random_images(folder: str, num: int, size: Union[int, Tuple[int, int]], channels: int = 3,
                        seed: int = 0) -> str:
    """Write ``num`` PNGs of uniform random pixels, ``size`` (H, W) or square, 1 or 3 channels; returns the folder."""
    height, width = (size, size) if isinstance(size, int) else size
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    shape = (height, width) if channels == 1 else (height, width, channels)
    for i in range(num):
        cv2.imwrite(osp.join(str(folder), f'{i:05d}.png'), rng.integers(0, 256, shape, dtype=np.uint8))
    return str(folder)
