"""Fashion-MNIST's IDX files: where they are found offline and how they are read (images and labels)."""
import gzip
import os.path as osp
import struct

import numpy as np

DEBIAN_DIR = '/usr/share/datasets/fashion-mnist'
URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'
HOW_TO_GET = ('Install Debian\'s package (sudo apt-get install dataset-fashion-mnist), or download the four '
              f'files from {URL} (https://github.com/zalandoresearch/fashion-mnist) and pass --src DIR.')
IMAGE_FILES = {'train': 'train-images-idx3-ubyte', 'test': 't10k-images-idx3-ubyte'}
LABEL_FILES = {'train': 'train-labels-idx1-ubyte', 'test': 't10k-labels-idx1-ubyte'}
CLASS_NAMES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
               'Ankle boot')
IDX_MAGIC = {1: 2049, 3: 2051}


def find_idx(src: str, stem: str) -> str:
    """Path of ``stem`` or ``stem.gz`` in ``src``, or a FileNotFoundError naming both."""
    for name in (stem, stem + '.gz'):
        if osp.isfile(osp.join(src, name)):
            return osp.join(src, name)
    raise FileNotFoundError(f'neither {stem} nor {stem}.gz is in {src}. {HOW_TO_GET}')


def read_idx(path: str, dims: int) -> np.ndarray:
    """Read an IDX ubyte file of ``dims`` dimensions (1: labels, 3: images), gzipped or not, checking its
    header and length."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    header = 4 + 4 * dims
    if len(data) < header:
        raise ValueError(f'{path} is not an IDX file: only {len(data)} bytes')
    magic, *shape = struct.unpack(f'>{1 + dims}I', data[:header])
    if magic != IDX_MAGIC[dims] or len(data) != header + int(np.prod(shape)):
        raise ValueError(f'{path} is not a complete IDX file of {dims} dimensions (magic {magic}, expected '
                         f'{IDX_MAGIC[dims]}; {len(data)} bytes for shape {tuple(shape)})')
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def read_split(src: str, split: str):
    """Images (N×28×28 uint8) and labels (N, uint8) of a Fashion-MNIST split read from ``src``."""
    images = read_idx(find_idx(src, IMAGE_FILES[split]), 3)
    labels = read_idx(find_idx(src, LABEL_FILES[split]), 1)
    if len(images) != len(labels):
        raise ValueError(f'{src}: {split} has {len(images)} images but {len(labels)} labels')
    return images, labels
