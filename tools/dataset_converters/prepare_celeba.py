"""Crop CelebA's aligned faces for BEGAN: ``img_align_celeba/`` → ``data/celeba-cropped/<size>x<size>/``.

    python tools/dataset_converters/prepare_celeba.py /path/to/img_align_celeba [--sizes 64 128]
        [--out data/celeba-cropped]

The crop box: in the aligned 178×218 CelebA images the eyes sit at fixed positions, and the 128×128 box with
its top-left corner at row 50, column 25 holds the face from eyebrows to chin with little background (the
crop of carpedm20/BEGAN-tensorflow). The paper trained on tightly cropped faces of a private data set, so
this is the closest public equivalent; configs load these crops as they are and never crop again. The box
is downscaled with area interpolation (no aliasing). Images are processed in parallel; existing outputs are
kept, so an interrupted run resumes; the source folder is only read.
"""
import argparse
import os
import os.path as osp
import sys
from functools import partial
from multiprocessing import Pool
from typing import List, Optional

import cv2
from tqdm import tqdm

from mmbegan.datasets import write_png_atomic

ALIGNED_SHAPE = (218, 178)  # rows, columns of CelebA's aligned images
BOX_TOP, BOX_LEFT, BOX_SIZE = 50, 25, 128
IMAGE_EXTS = ('.jpg', '.jpeg', '.png')


def crop_face(src_path: str, out_paths: dict) -> Optional[str]:
    """Crop one aligned image and write each requested size; returns an error message or None."""
    image = cv2.imread(src_path, cv2.IMREAD_COLOR)
    if image is None:
        return f'{src_path}: not a readable image'
    if image.shape[:2] != ALIGNED_SHAPE:
        return f'{src_path}: {image.shape[1]}×{image.shape[0]} px, expected the aligned 178×218 CelebA images'
    box = image[BOX_TOP:BOX_TOP + BOX_SIZE, BOX_LEFT:BOX_LEFT + BOX_SIZE]
    for size, path in out_paths.items():
        resized = box if size == BOX_SIZE else cv2.resize(
            box, (size, size), interpolation=cv2.INTER_AREA if size < BOX_SIZE else cv2.INTER_CUBIC)
        write_png_atomic(path, resized)
    return None


def process(name: str, src: str, out_dirs: dict) -> Optional[str]:
    """Work item for the pool: the sizes of ``name`` that are not written yet."""
    stem = osp.splitext(name)[0]
    todo = {size: osp.join(folder, stem + '.png') for size, folder in out_dirs.items()}
    todo = {size: path for size, path in todo.items() if not osp.isfile(path)}
    return crop_face(osp.join(src, name), todo) if todo else None


def list_images(src: str) -> List[str]:
    """Image file names in ``src``, sorted; clear errors for a missing or empty folder."""
    if not osp.isdir(src):
        raise FileNotFoundError(f'{src} is not a directory; pass the img_align_celeba folder of CelebA '
                                '(https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html, "Align&Cropped Images")')
    names = sorted(n for n in os.listdir(src) if n.lower().endswith(IMAGE_EXTS))
    if not names:
        raise FileNotFoundError(f'no .jpg/.png images in {src}')
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', help='the img_align_celeba folder')
    parser.add_argument('--out', default='data/celeba-cropped', help='output root (default: %(default)s)')
    parser.add_argument('--sizes', nargs='+', type=int, default=[64], help='output sizes (default: 64)')
    parser.add_argument('--workers', type=int, default=os.cpu_count(), help='parallel processes')
    args = parser.parse_args()
    for size in args.sizes:
        if size < 8 or size > 1024:
            raise ValueError(f'--sizes: {size} is outside 8..1024')
    src, out = osp.abspath(args.src), osp.abspath(args.out)
    if out == src or out.startswith(src + os.sep):
        raise ValueError(f'--out {out} is inside the source folder {src}; the source is never written to')
    names = list_images(src)
    out_dirs = {size: osp.join(out, f'{size}x{size}') for size in args.sizes}
    for folder in out_dirs.values():
        os.makedirs(folder, exist_ok=True)
    worker = partial(process, src=src, out_dirs=out_dirs)
    with Pool(max(1, args.workers)) as pool:
        errors = [err for err in tqdm(pool.imap_unordered(worker, names, chunksize=64), total=len(names),
                                      desc='cropping', unit='img') if err]
    for folder in out_dirs.values():
        print(f'{folder}: {len(os.listdir(folder))} images')
    if errors:
        print(f'{len(errors)} images were skipped:', *errors[:20], sep='\n  ')
        sys.exit(1)


if __name__ == '__main__':
    main()
