"""Folders of random images: stand-in data for tests and benchmarks when no dataset is at hand."""
import os
import os.path as osp
from typing import Sequence, Tuple, Union

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


def train_on_random_images(dataset_cfg: dict, num: int, image_shape: Tuple[int, int, int], folder: str) -> str:
    """Point a dataset config at ``num`` random PNGs written to ``folder``, sized so that the dataset's pipeline
    (its ``NumpyPad``) turns them into ``image_shape`` (C, H, W) images; returns a description of the data."""
    channels, height, width = image_shape
    transforms: Sequence[dict] = dataset_cfg.get('pipeline', [])
    for transform in transforms:
        if transform['type'] == 'NumpyPad':
            pad = np.broadcast_to(np.asarray(transform['padding']), (3, 2))
            height, width = height - int(pad[0].sum()), width - int(pad[1].sum())
    dataset_cfg['data_root'] = write_random_images(folder, num, (height, width), channels)
    dataset_cfg['data_prefix'] = dict(gt='')
    return f'synthetic: {num} random {height}x{width}x{channels} PNGs in {folder}'
