"""Turn the Fashion-MNIST IDX files into image folders that mmagic's BasicImageDataset reads.

    python tools/dataset_converters/prepare_fashion_mnist.py [--src DIR] [--out data/fashion-mnist]
        [--splits train test]

Sources, in order: ``--src``; Debian's ``dataset-fashion-mnist`` package (/usr/share/datasets/fashion-mnist);
a download of the official files (checked against their published MD5s) into ``<out>/raw``. Images are
written as 28×28 grayscale PNGs (``<out>/<split>/<index>.png``); the 32 px config pads them by 2 px.
Existing PNGs are kept, so an interrupted run resumes where it stopped.
"""
import argparse
import hashlib
import os
import os.path as osp
import urllib.error
import urllib.request

import numpy as np
from tqdm import tqdm

from mmbegan.datasets import write_png_atomic
from mmbegan.datasets.fashion_mnist import DEBIAN_DIR, HOW_TO_GET, IMAGE_FILES, URL, find_idx, read_idx

OFFICIAL_MD5 = {
    'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
}


def download(raw_dir: str) -> str:
    """Download the official files into ``raw_dir`` and verify their MD5; returns ``raw_dir``."""
    os.makedirs(raw_dir, exist_ok=True)
    for name, md5 in OFFICIAL_MD5.items():
        target = osp.join(raw_dir, name)
        if not osp.isfile(target):
            print(f'downloading {URL + name}')
            try:
                urllib.request.urlretrieve(URL + name, target + '.part')
            except (urllib.error.URLError, OSError) as err:
                raise RuntimeError(f'Fashion-MNIST is not on this machine and {URL} is unreachable ({err}). '
                                   f'{HOW_TO_GET}') from err
            os.replace(target + '.part', target)
        digest = hashlib.md5(open(target, 'rb').read()).hexdigest()
        if digest != md5:
            raise RuntimeError(f'{target} has MD5 {digest}, expected {md5}: a corrupt download; delete it and '
                               'run again')
    return raw_dir


def choose_source(src: str, out: str) -> str:
    """The directory to read the IDX files from, following the order in the module docstring."""
    if src:
        if not osp.isdir(src):
            raise FileNotFoundError(f'--src {src} is not a directory. {HOW_TO_GET}')
        return src
    if osp.isdir(DEBIAN_DIR):
        return DEBIAN_DIR
    return download(osp.join(out, 'raw'))


def write_split(images: np.ndarray, folder: str) -> int:
    """Write each image as ``<index>.png``, skipping files that exist; returns how many were written."""
    os.makedirs(folder, exist_ok=True)
    written = 0
    for index, image in enumerate(tqdm(images, desc=folder, unit='img')):
        path = osp.join(folder, f'{index:05d}.png')
        if osp.isfile(path):
            continue
        write_png_atomic(path, image)
        written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--src', help='directory holding the IDX files (.gz or not)')
    parser.add_argument('--out', default='data/fashion-mnist', help='output root (default: %(default)s)')
    parser.add_argument('--splits', nargs='+', choices=sorted(IMAGE_FILES), default=['train', 'test'])
    parser.add_argument('--limit', type=int, help='write only the first N images of each split')
    args = parser.parse_args()
    src = choose_source(args.src, args.out)
    print(f'reading Fashion-MNIST from {src}')
    for split in args.splits:
        images = read_idx(find_idx(src, IMAGE_FILES[split]), 3)
        if args.limit:
            images = images[:args.limit]
        folder = osp.join(args.out, split)
        written = write_split(images, folder)
        print(f'{split}: {len(images)} images in {folder} ({written} written, {len(images) - written} kept)')


if __name__ == '__main__':
    main()
